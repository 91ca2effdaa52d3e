import type { z } from 'zod';
import { gatewayTopic, type GatewayTopicKind } from '../../../shared/src/contracts/topics.js';
import type { Logger } from '../../../shared/src/log.js';
import type { MqttConnection } from './connection.js';

/**
 * Follows one of this gateway's cloud-written topics (the committed watermark, commands): subscribes
 * on every connect (the persistent session keeps what arrived while we were away) and hands each
 * payload that passes `schema` to `onMessage`; anything malformed is logged and ignored, never acted on.
 */
export function followCloudTopic<Schema extends z.ZodType>(
  connection: MqttConnection,
  identity: { siteId: string; gatewayId: string },
  kind: GatewayTopicKind,
  schema: Schema,
  onMessage: (message: z.output<Schema>) => void,
  logger: Logger,
): void {
  const topic = gatewayTopic(identity.siteId, identity.gatewayId, kind);
  connection.onConnect(() => {
    connection.client.subscribe(topic, { qos: 1 }, (error) => {
      if (error) logger.warn({ err: error.message, topic }, `could not subscribe to the ${kind} topic`);
    });
  });
  connection.client.on('message', (messageTopic, payload) => {
    if (messageTopic !== topic) return;
    const parsed = schema.safeParse(jsonOrUndefined(payload.toString('utf8')));
    if (parsed.success) onMessage(parsed.data);
    else logger.warn({ topic }, `ignored a malformed ${kind} message`);
  });
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
