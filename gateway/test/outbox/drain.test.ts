import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { EpcisDocumentSchema } from '../../../shared/src/contracts/epcis.js';
import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import { REMOVE_INTERVAL_MS, type PublishClient } from '../../src/mqtt/publisher.js';
import { connectPublisher, testPublisher } from '../mqtt/publisher-harness.js';
import { createMemoryOutboxStore } from '../../src/outbox/memory-store.js';
import { createOutbox, type Outbox } from '../../src/outbox/outbox.js';
import { openSqliteOutboxStore } from '../../src/outbox/sqlite-store.js';
import type { OutboxStore } from '../../src/outbox/store.js';
import { startLoopbackBroker } from '../../../test/support/broker.js';
import { until } from '../../../test/support/wait.js';
import { sampleEvent } from './fixtures.js';

/** The drain path: page reads, watermark removal, cloud confirmation, against a real broker and fake clients. */
const SITE = 'site-1';
const GATEWAY = 'gw-1';
const directory = mkdtempSync(join(tmpdir(), 'stockwire-drain-'));
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startLoopbackBroker([
    { username: GATEWAY, password: 'gateway-secret', role: 'gateway', siteId: SITE, gatewayId: GATEWAY },
    { username: 'cloud', password: 'cloud-secret', role: 'cloud' },
  ]);
});
afterAll(async () => {
  await broker.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A store that counts the calls the drain makes and the largest page asked for. */
function counting(store: OutboxStore) {
  const calls = { readAfter: 0, pageMax: 0, removeThrough: [] as number[], remove: 0 };
  const wrapped: OutboxStore = {
    ...store,
    readAfter(afterSequence, limit) {
      calls.readAfter += 1;
      calls.pageMax = Math.max(calls.pageMax, limit);
      return store.readAfter(afterSequence, limit);
    },
    removeThrough(sequence) {
      calls.removeThrough.push(sequence);
      return store.removeThrough(sequence);
    },
    remove(sequences) {
      calls.remove += 1;
      return store.remove(sequences);
    },
  };
  return { store: wrapped, calls };
}

const outboxOn = (store: OutboxStore): Outbox =>
  createOutbox(store, { eventsMax: 1_000_000, bytesMax: 1e9, overflowPolicy: 'block', warnFillRatio: 0.8 });

function fill(outbox: Outbox, count: number): void {
  for (let start = 0; start < count; start += 500)
    outbox.append(Array.from({ length: Math.min(500, count - start) }, (_, offset) => sampleEvent(start + offset)));
}

async function subscribeIndexes(): Promise<{ indexes: number[]; close: () => Promise<void> }> {
  const indexes: number[] = [];
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
    clientId: `cloud-${Math.random()}`,
    username: 'cloud',
    password: 'cloud-secret',
    reconnectPeriod: 0,
  });
  client.on('message', (_topic, payload) => {
    const document = EpcisDocumentSchema.parse(JSON.parse(payload.toString('utf8')));
    for (const event of document.epcisBody.eventList) indexes.push(event['stockwire:index'] as number);
  });
  await client.subscribeAsync(gatewayTopic(SITE, GATEWAY, 'events'), { qos: 1 });
  return { indexes, close: () => client.endAsync() };
}

describe('outbox drain through the real publisher and broker', () => {
  it('drains an SQLite outbox in order with page reads and a few range removals', async () => {
    const { store, calls } = counting(openSqliteOutboxStore(join(directory, 'drain.sqlite')));
    const outbox = outboxOn(store);
    const eventCount = 8_000;
    fill(outbox, eventCount);
    const subscriber = await subscribeIndexes();
    const { connection, publisher } = connectPublisher(
      { url: `mqtt://127.0.0.1:${broker.port}`, username: GATEWAY, password: 'gateway-secret' },
      outbox,
      32,
      { siteId: SITE, gatewayId: GATEWAY },
    );
    const startedMs = Date.now();
    connection.onConnect(() => publisher.pump());
    expect(await publisher.waitDrained(30_000)).toBe(true);
    const elapsedMs = Date.now() - startedMs;
    await until(() => subscriber.indexes.length >= eventCount, 10_000, 'every event at the subscriber');
    expect(subscriber.indexes).toEqual(Array.from({ length: eventCount }, (_, index) => index));
    expect(outbox.fill()).toMatchObject({ depth: 0, bytes: 0 });
    const messages = publisher.stats().messagesPublished;
    expect(messages).toBe(eventCount / 40);
    // One SELECT per 16 documents, none once the cursor is at the last sequence, never a page beyond 16 × 40 rows.
    expect(calls.readAfter).toBe(Math.ceil(messages / 16));
    expect(calls.pageMax).toBe(640);
    // Watermark removals, increasing, ending at the last sequence; far fewer than PUBACKs.
    expect(calls.remove).toBe(0);
    expect(calls.removeThrough.at(-1)).toBe(eventCount);
    expect([...calls.removeThrough].sort((a, b) => a - b)).toEqual(calls.removeThrough);
    // At most one per REMOVE_INTERVAL_MS while the window is busy, plus the final one.
    expect(calls.removeThrough.length).toBeLessThanOrEqual(elapsedMs / REMOVE_INTERVAL_MS + 2);
    await connection.close();
    await subscriber.close();
    outbox.close();
  });
});

/** A client that acks asynchronously (like a broker) and fails chosen publishes once. */
function flakyClient(failAt: ReadonlySet<number>) {
  const sent: number[][] = [];
  const acked = new Set<number>();
  let publishes = 0;
  const client: PublishClient = {
    connected: true,
    publish(_topic, payload, _options, callback) {
      publishes += 1;
      const attempt = publishes;
      const indexes = (
        JSON.parse(payload) as { epcisBody: { eventList: { 'stockwire:index': number }[] } }
      ).epcisBody.eventList.map((event) => event['stockwire:index']);
      sent.push(indexes);
      setImmediate(() => {
        if (failAt.has(attempt)) return callback(new Error('connection reset'));
        for (const index of indexes) acked.add(index + 1); // sequence = index + 1 in these outboxes
        callback();
      });
    },
  };
  return { client, sent, acked };
}

describe('outbox drain edge cases (fake clients)', () => {
  it('never removes past a failed document: it is re-read from the outbox and sent again', async () => {
    const { store, calls } = counting(createMemoryOutboxStore());
    const outbox = outboxOn(store);
    fill(outbox, 2_000);
    const fake = flakyClient(new Set([3, 20]));
    const removalsCovered: boolean[] = [];
    const checked: OutboxStore = {
      ...store,
      removeThrough(sequence) {
        removalsCovered.push(Array.from({ length: sequence }, (_, index) => index + 1).every((s) => fake.acked.has(s)));
        return store.removeThrough(sequence);
      },
    };
    const publisher = testPublisher(fake.client, outboxOn(checked));
    publisher.pump();
    // Failures re-arm nothing by design; the daemon's tick pumps. Here a short loop plays the tick.
    for (let round = 0; round < 200 && outbox.fill().depth > 0; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      publisher.pump();
    }
    expect(outbox.fill().depth).toBe(0);
    expect(publisher.stats().publishErrors).toBe(2);
    expect(removalsCovered.length).toBeGreaterThan(0);
    expect(removalsCovered.every(Boolean)).toBe(true);
    expect(fake.acked.size).toBe(2_000);
    expect(calls.remove).toBe(0);
    publisher.stop();
  });

  it('cuts a page into documents by events and bytes; an event larger than the bound goes alone', async () => {
    const outbox = outboxOn(createMemoryOutboxStore());
    fill(outbox, 100);
    const big = { ...sampleEvent(100), 'stockwire:note': 'x'.repeat(5_000) };
    outbox.append([big]);
    const ordinaryBytes = outbox.readAfter(0, 100).map((row) => row.bytes);
    const bytesBound = Math.max(...ordinaryBytes) * 10;
    const fake = flakyClient(new Set());
    // Room for 10 of the largest ordinary events per document.
    const publisher = testPublisher(fake.client, outbox, { messageBytesMax: bytesBound, inflightMessagesMax: 64 });
    publisher.pump();
    await until(() => outbox.fill().depth === 0, 5_000, 'the outbox to drain');
    expect(fake.sent.at(-1)).toEqual([100]);
    for (const indexes of fake.sent.slice(0, -1)) {
      expect(indexes.length).toBeGreaterThanOrEqual(10);
      expect(indexes.reduce((sum, index) => sum + (ordinaryBytes[index] ?? 0), 0)).toBeLessThanOrEqual(bytesBound);
    }
    expect(fake.sent.flat()).toEqual(Array.from({ length: 101 }, (_, index) => index));
    publisher.stop();
  });

  it('with cloud confirmation keeps acked rows until the watermark, then removes through it', async () => {
    const outbox = outboxOn(createMemoryOutboxStore());
    fill(outbox, 400);
    const fake = flakyClient(new Set());
    const publisher = testPublisher(fake.client, outbox, { inflightMessagesMax: 4, confirmation: 'cloud' });
    publisher.pump();
    await until(() => publisher.stats().eventsAcked === 400, 5_000, 'every event acked');
    expect(outbox.fill().depth).toBe(400);
    publisher.confirm(250);
    expect(outbox.fill().depth).toBe(150);
    expect(outbox.readAfter(0, 1)[0]?.sequence).toBe(251);
    const drained = publisher.waitDrained(2_000);
    publisher.confirm(400);
    expect(await drained).toBe(true);
    publisher.stop();
  });
});
