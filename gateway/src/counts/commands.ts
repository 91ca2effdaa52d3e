import { CountCommandSchema, type CountCommand } from '../../../shared/src/contracts/count-digest.js';
import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import type { Logger } from '../../../shared/src/log.js';
import type { MqttConnection } from '../mqtt/connection.js';

/**
 * The cloud's commands to this gateway (`stockwire/v1/<site>/<gateway>/commands`, QoS 1, not retained):
 * today only `full_count`, sent when a count digest disagreed with the cloud's books. Subscribed on
 * every connect (the persistent session keeps what arrived while we were away); anything malformed
 * is logged and ignored, never acted on.
 */
export function followCommands(
  connection: MqttConnection,
  identity: { siteId: string; gatewayId: string },
  onCommand: (command: CountCommand) => void,
  logger: Logger,
): void {
  const topic = gatewayTopic(identity.siteId, identity.gatewayId, 'commands');
  connection.onConnect(() => {
    connection.client.subscribe(topic, { qos: 1 }, (error) => {
      if (error) logger.warn({ err: error.message, topic }, 'could not subscribe to the commands topic');
    });
  });
  connection.client.on('message', (messageTopic, payload) => {
    if (messageTopic !== topic) return;
    const parsed = CountCommandSchema.safeParse(safeJson(payload.toString('utf8')));
    if (parsed.success) onCommand(parsed.data);
    else logger.warn({ topic }, 'ignored a malformed command');
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
