import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/src/log.js';
import { connectReadBack } from '../../src/ingest/watermark-readback.js';
import { startMosquitto, type RunningMosquitto } from '../../../test/support/mosquitto.js';
import { holdsWithin } from '../../../test/support/wait.js';

/**
 * The shared group's read-back connection on a real Mosquitto 2: every retained watermark is in when it
 * resolves (the consumer knows what the broker carries before its first document), live values follow in
 * the broker's order, and a session of the same consumer full of queued messages does not stand in front.
 */
const GATEWAYS = 60;
let broker: RunningMosquitto;
let publisher: MqttClient;
const topic = (index: number) => `stockwire/v1/store-1/gw-${index}/committed`;
const payload = (committedThrough: number) => JSON.stringify({ committedThrough, time: new Date().toISOString() });

beforeAll(async () => {
  broker = await startMosquitto();
  publisher = await mqtt.connectAsync(broker.url, { clientId: 'publisher', clean: true });
});

afterAll(async () => {
  await publisher?.endAsync();
  await broker?.remove();
});

describe('watermark read-back connection', () => {
  it('hands over every retained value before it resolves, then live values in order', async () => {
    // More than Mosquitto's in-flight window (100 here): QoS 0 read-backs are not held back by it.
    for (let index = 0; index < GATEWAYS; index++)
      for (const value of [10, 20])
        await publisher.publishAsync(topic(index), payload(value), { qos: 1, retain: true });
    const seen: Array<{ topic: string; value: number; retained: boolean }> = [];
    const reader = await connectReadBack(
      { url: broker.url, clientId: 'stockwire-cloud-1' },
      (at, body, retained) =>
        seen.push({
          topic: at,
          value: (JSON.parse(body.toString()) as { committedThrough: number }).committedThrough,
          retained,
        }),
      silentLogger(),
    );
    try {
      expect(seen).toHaveLength(GATEWAYS);
      expect(seen.every((each) => each.retained && each.value === 20)).toBe(true);
      for (const value of [30, 25, 40])
        await publisher.publishAsync(topic(0), payload(value), { qos: 1, retain: true });
      expect(await holdsWithin(() => seen.length === GATEWAYS + 3, 5_000)).toBe(true);
      expect(seen.slice(GATEWAYS)).toEqual([30, 25, 40].map((value) => ({ topic: topic(0), value, retained: false })));
    } finally {
      await reader.endAsync();
    }
  });

  it('uses a connection of its own: the consumer keeps its client id, persistent session and connection', async () => {
    const consumer = await mqtt.connectAsync(broker.url, {
      clientId: 'stockwire-cloud-2',
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 0xffff_ffff },
    });
    let kicked = false;
    consumer.on('close', () => (kicked = true));
    const values: number[] = [];
    const reader = await connectReadBack(
      { url: broker.url, clientId: 'stockwire-cloud-2' },
      (_topic, body) => values.push((JSON.parse(body.toString()) as { committedThrough: number }).committedThrough),
      silentLogger(),
    );
    try {
      expect(values).toHaveLength(GATEWAYS);
      // A second connection with the consumer's own client id would have taken its session over.
      expect(await holdsWithin(() => kicked, 500)).toBe(false);
    } finally {
      await reader.endAsync();
      await consumer.endAsync();
    }
  });
});
