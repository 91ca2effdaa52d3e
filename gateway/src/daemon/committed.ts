import { CommittedSchema } from '../../../shared/src/contracts/committed.js';
import type { Logger } from '../../../shared/src/log.js';
import { followCloudTopic } from '../mqtt/cloud-topic.js';
import type { MqttConnection } from '../mqtt/connection.js';
import type { Publisher } from '../mqtt/publisher.js';

/** End-to-end confirmation: the cloud's retained committed watermark for this gateway drives outbox removal. */
export function followCommitted(
  connection: MqttConnection,
  identity: { siteId: string; gatewayId: string },
  publisher: Publisher,
  logger: Logger,
): void {
  followCloudTopic(
    connection,
    identity,
    'committed',
    CommittedSchema,
    (committed) => publisher.confirm(committed.committedThrough),
    logger,
  );
}
