import { CountCommandSchema, type CountCommand } from '../../../shared/src/contracts/count-digest.js';
import type { Logger } from '../../../shared/src/log.js';
import { followCloudTopic } from '../mqtt/cloud-topic.js';
import type { MqttConnection } from '../mqtt/connection.js';

/**
 * The cloud's commands to this gateway (`stockwire/v1/<site>/<gateway>/commands`, QoS 1, not retained):
 * today only `full_count`, sent when a count digest disagreed with the cloud's books.
 */
export function followCommands(
  connection: MqttConnection,
  identity: { siteId: string; gatewayId: string },
  onCommand: (command: CountCommand) => void,
  logger: Logger,
): void {
  followCloudTopic(connection, identity, 'commands', CountCommandSchema, onCommand, logger);
}
