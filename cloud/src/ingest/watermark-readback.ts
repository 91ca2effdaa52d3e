import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { errorMessage } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { COMMITTED_TOPICS_SUBSCRIPTION } from './shared-subscription.js';

/**
 * Shared group: every consumer reads every gateway's `committed` watermark back on a connection of its
 * own (docs/scale-out.md, section 4).
 *
 * Why not on the consumer's connection: there read-backs shared one ordered stream with the documents.
 * A consumer that came back after a kill got its persistent session's backlog first — documents and
 * hundreds of `committed` values published while it was down — so what it believed the broker carried
 * lagged by seconds, and it answered old values as if the retained value had stepped back: the published
 * watermark flapped (510 → 490 → 510 …) and could end below the last sequence. Here the session is clean
 * (no backlog: the retained value at subscribe, then live values in the broker's order) and nothing
 * queues in front of a read-back, so a lower live value really is the broker's value stepping back.
 *
 * QoS 0: only the latest value matters, and after a reconnect the retained values come again.
 */
export interface ReadBackOptions {
  url: string;
  /** The consumer's client id; this connection adds `-watermarks`. */
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  tls?: object | undefined;
}

export type ReadBackHandler = (topic: string, payload: Buffer, retained: boolean) => void;

/** A filter nobody publishes to: unsubscribing it is a round trip that follows the retained values. */
const SYNC_FILTER = `${COMMITTED_TOPICS_SUBSCRIPTION}/-sync`;

/**
 * Connects, subscribes, and resolves once the retained values delivered at subscribe were handed to
 * `onValue` (the broker answers the UNSUBSCRIBE after them), so the consumer knows what the broker
 * carries before it applies a document.
 */
export async function connectReadBack(
  options: ReadBackOptions,
  onValue: ReadBackHandler,
  logger: Logger,
): Promise<MqttClient> {
  const clientOptions: IClientOptions = {
    clientId: `${options.clientId}-watermarks`,
    clean: true,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    username: options.username,
    password: options.password,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 0 },
  };
  if (options.tls) Object.assign(clientOptions, options.tls);
  const client = await mqtt.connectAsync(options.url, clientOptions);
  client.on('message', (topic, payload, packet) => onValue(topic, payload, packet.retain));
  client.on('error', (error) => logger.warn({ err: errorMessage(error) }, 'watermark read-back connection error'));
  try {
    // mqtt.js subscribes again by itself after a reconnect (a clean session forgets it); the broker
    // then sends the retained values again, which readBack treats as stored values.
    await client.subscribeAsync(COMMITTED_TOPICS_SUBSCRIPTION, { qos: 0 });
    await client.unsubscribeAsync(SYNC_FILTER);
  } catch (error) {
    await client.endAsync(true).catch(() => undefined);
    throw error;
  }
  return client;
}
