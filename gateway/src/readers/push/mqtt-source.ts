import mqtt, { type MqttClient } from 'mqtt';
import type { ReaderMqttSource } from '../config.js';

export interface MqttSourceHandlers {
  onMessage(topic: string, payload: Buffer): void;
  /** The broker link died after it was up; the driver reconnects with its own backoff. */
  onLost(error: Error): void;
}

export interface MqttSourceLink {
  close(): Promise<void>;
}

/**
 * Subscribes to the topics a reader publishes on. mqtt.js's own reconnect is off
 * (reconnectPeriod 0): the driver's backoff decides, so health and reconnect counts
 * mean the same for every protocol. Payloads past `payloadBytesMax` are refused by
 * the client before they are buffered whole.
 */
export async function openMqttSource(
  source: ReaderMqttSource,
  defaultClientId: string,
  connectTimeoutMs: number,
  handlers: MqttSourceHandlers,
): Promise<MqttSourceLink> {
  const client: MqttClient = await mqtt.connectAsync(source.url, {
    clientId: source.clientId ?? defaultClientId,
    ...(source.username === undefined ? {} : { username: source.username }),
    ...(source.password === undefined ? {} : { password: source.password }),
    keepalive: source.keepAliveSeconds,
    reconnectPeriod: 0,
    connectTimeout: connectTimeoutMs,
    clean: true,
  });
  let closing = false;
  client.on('message', (topic, payload) => handlers.onMessage(topic, payload));
  client.on('close', () => {
    if (!closing) handlers.onLost(new Error(`MQTT link to ${new URL(source.url).host} closed`));
  });
  client.on('error', () => undefined); // 'close' follows every fatal error; reported there
  const topics = [source.topic, ...(source.eventsTopic === undefined ? [] : [source.eventsTopic])];
  try {
    await client.subscribeAsync(topics, { qos: 1 });
  } catch (error) {
    closing = true;
    await client.endAsync(true).catch(() => undefined);
    throw error;
  }
  return {
    async close() {
      closing = true;
      await client.endAsync(true).catch(() => undefined);
    },
  };
}
