import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { EpcisDocumentSchema, type EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { EVENTS_SUBSCRIPTION } from '../../../shared/src/contracts/topics.js';
import { documentText } from '../../src/mqtt/publisher.js';
import { connectPublisher, testPublisher } from './publisher-harness.js';
import { createMemoryOutboxStore } from '../../src/outbox/memory-store.js';
import { createOutbox } from '../../src/outbox/outbox.js';
import { startLoopbackBroker } from '../../../test/support/broker.js';
import { until } from '../../../test/support/wait.js';
import { sampleEvent } from '../outbox/fixtures.js';

const SITE = 'site-1';
const GATEWAY = 'gw-1';
const IDS = { siteId: SITE, gatewayId: GATEWAY };
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startLoopbackBroker([
    { username: GATEWAY, password: 'gateway-secret', role: 'gateway', siteId: SITE, gatewayId: GATEWAY },
    { username: 'cloud', password: 'cloud-secret', role: 'cloud' },
  ]);
});
afterAll(async () => broker.close());

function subscribe(): Promise<{ documents: EpcisDocument[]; close: () => Promise<void> }> {
  const documents: EpcisDocument[] = [];
  const client = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, {
    clientId: `cloud-${Math.random()}`,
    username: 'cloud',
    password: 'cloud-secret',
    reconnectPeriod: 0,
  });
  client.on('message', (_topic, payload) =>
    documents.push(EpcisDocumentSchema.parse(JSON.parse(payload.toString('utf8')))),
  );
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('connect', () =>
      client.subscribe(EVENTS_SUBSCRIPTION, { qos: 1 }, (error) =>
        error ? reject(error) : resolve({ documents, close: () => client.endAsync() }),
      ),
    );
  });
}

describe('documentText', () => {
  it('builds a valid EPCIS document whose sequence is the first event’s', () => {
    const rows = [1, 2, 3].map((index) => ({
      sequence: 10 + index,
      eventId: sampleEvent(index).eventID,
      payload: JSON.stringify(sampleEvent(index)),
      bytes: 0,
    }));
    const document = EpcisDocumentSchema.parse(JSON.parse(documentText(rows, GATEWAY, '2026-11-25T10:00:00.000Z')));
    expect(document['stockwire:sequence']).toBe(11);
    expect(document['stockwire:gateway']).toBe(GATEWAY);
    expect(document.epcisBody.eventList.map((event) => event.eventID)).toEqual(rows.map((row) => row.eventId));
  });
});

describe('pipelined publisher against the embedded broker', () => {
  it('publishes the whole outbox in order, in batches, and empties it on PUBACK', async () => {
    const subscriber = await subscribe();
    const outbox = createOutbox(createMemoryOutboxStore(), {
      eventsMax: 100_000,
      bytesMax: 1e9,
      overflowPolicy: 'block',
      warnFillRatio: 0.8,
    });
    const eventCount = 5_000;
    for (let start = 0; start < eventCount; start += 500)
      outbox.append(Array.from({ length: 500 }, (_, offset) => sampleEvent(start + offset)));
    const { connection, publisher } = connectPublisher(
      { url: `mqtt://127.0.0.1:${broker.port}`, username: GATEWAY, password: 'gateway-secret' },
      outbox,
      16,
      IDS,
    );
    connection.onConnect(() => publisher.pump());
    expect(await publisher.waitDrained(20_000)).toBe(true);
    await until(
      () => subscriber.documents.reduce((sum, document) => sum + document.epcisBody.eventList.length, 0) >= eventCount,
      10_000,
    );
    const indexes = subscriber.documents.flatMap((document) =>
      document.epcisBody.eventList.map((event) => event['stockwire:index']),
    );
    expect(indexes).toEqual(Array.from({ length: eventCount }, (_, index) => index));
    expect(Math.max(...subscriber.documents.map((document) => document.epcisBody.eventList.length))).toBe(40);
    expect(outbox.fill().depth).toBe(0);
    expect(publisher.stats()).toMatchObject({ eventsAcked: eventCount, publishErrors: 0, inflightMessages: 0 });
    await connection.close();
    await subscriber.close();
  });

  it('hands nothing to mqtt.js while the broker is unreachable: the outbox keeps it all', async () => {
    const outbox = createOutbox(createMemoryOutboxStore(), {
      eventsMax: 1_000,
      bytesMax: 1e9,
      overflowPolicy: 'block',
      warnFillRatio: 0.8,
    });
    outbox.append([sampleEvent(1), sampleEvent(2)]);
    // Port 1 on loopback refuses connections.
    const { connection, publisher } = connectPublisher(
      { url: 'mqtt://127.0.0.1:1', reconnect: { initialDelayMs: 50, maxDelayMs: 100 } },
      outbox,
      4,
      IDS,
    );
    publisher.pump();
    await new Promise((resolve) => setTimeout(resolve, 300));
    publisher.pump();
    expect(publisher.stats().messagesPublished).toBe(0);
    expect(outbox.fill().depth).toBe(2);
    await connection.close();
  });
});

describe('publisher with a fake client (edge cases no broker produces on demand)', () => {
  it('rewinds after a failed publish and does not spin when failures are synchronous', async () => {
    const outbox = createOutbox(createMemoryOutboxStore(), {
      eventsMax: 1_000,
      bytesMax: 1e9,
      overflowPolicy: 'block',
      warnFillRatio: 0.8,
    });
    outbox.append([1, 2, 3].map((index) => sampleEvent(index)));
    let calls = 0;
    const client = {
      connected: true,
      publish(_topic: string, _payload: string, _options: { qos: 1 }, callback: (error?: Error) => void) {
        calls += 1;
        callback(new Error('client disconnecting'));
      },
    };
    const publisher = testPublisher(client, outbox, { gatewayId: GATEWAY, eventsPerMessageMax: 2 });
    publisher.pump();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(1);
    expect(publisher.stats()).toMatchObject({ publishErrors: 1, inflightMessages: 0 });
    expect(outbox.fill().depth).toBe(3);
    // The next pump (tick or reconnect) retries the same batch from the rewound cursor.
    publisher.pump();
    expect(calls).toBe(2);
    publisher.stop();
  });
});
