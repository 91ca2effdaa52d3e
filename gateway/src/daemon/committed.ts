import { CommittedSchema } from '../../../shared/src/contracts/committed.js';
import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import type { Logger } from '../../../shared/src/log.js';
import type { MqttConnection } from '../mqtt/connection.js';
import type { Publisher } from '../mqtt/publisher.js';

/** End-to-end confirmation: the cloud's retained committed watermark for this gateway drives outbox removal. */
export function followCommitted(
  connection: MqttConnection,
  identity: { siteId: string; gatewayId: string },
  publisher: Publisher,
  logger: Logger,
): void {
  const topic = gatewayTopic(identity.siteId, identity.gatewayId, 'committed');
  connection.onConnect(() => {
    connection.client.subscribe(topic, { qos: 1 }, (error) => {
      if (error) logger.warn({ err: error.message, topic }, 'could not subscribe to the committed watermark');
    });
  });
  connection.client.on('message', (messageTopic, payload) => {
    if (messageTopic !== topic) return;
    const parsed = CommittedSchema.safeParse(safeJson(payload.toString('utf8')));
    if (parsed.success) publisher.confirm(parsed.data.committedThrough);
    else logger.warn({ topic }, 'ignored a malformed committed watermark');
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
