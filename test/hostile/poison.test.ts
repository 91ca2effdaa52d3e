import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/src/clock.js';
import { buildEpcisDocument, type ObjectEvent } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { DEADLETTER_TOPIC } from '../../shared/src/contracts/topics.js';
import { silentLogger } from '../../shared/src/log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { CloudEvents } from '../../cloud/src/events.js';
import { MovementConsumer } from '../../cloud/src/ingest/consumer.js';
import { DeadLetterSchema, type DeadLetter } from '../../cloud/src/ingest/deadletter.js';
import { failureKind } from '../../cloud/src/ingest/failure-kind.js';
import { loadCatalogFile } from '../../cloud/src/catalog-file.js';
import type { LedgerStore } from '../../cloud/src/store/ledger-store.js';
import { openLedgerStore } from '../../cloud/src/store/open.js';
import { connectClient, DEMO_CONFIG_DIR } from '../support/cloud-harness.js';
import { receivingEvent } from '../support/epcis-events.js';
import { until } from '../support/wait.js';

/**
 * Issue 12, finding 2: one poison message must not stall ingest. Real aedes broker,
 * real SQLite ledger, the real consumer; the only thing injected is the failure: a
 * store wrapper that fails deterministically (a broken invariant) on one event id, or
 * is unavailable (SQLITE_BUSY) for its first attempts.
 */
const GATEWAYS = 10;
const GOOD_MESSAGES = 1_000;
const POISON_ID = 'poison-event';

class FaultyStore {
  busyFailuresLeft = 0;
  constructor(readonly inner: LedgerStore) {}
  applyBatch: LedgerStore['applyBatch'] = async (transactions) => {
    if (this.busyFailuresLeft > 0) {
      this.busyFailuresLeft--;
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    }
    if (transactions.some((transaction) => transaction.id === POISON_ID))
      throw new Error('invariant violated: injected poison');
    return this.inner.applyBatch(transactions);
  };
}

function receiving(serial: number, fields: Record<string, unknown> = {}): ObjectEvent {
  return receivingEvent({ epcList: [`urn:epc:id:sgtin:0614141.100001.${serial}`], ...fields });
}
const documentOf = (events: ObjectEvent[], gatewayId: string) =>
  JSON.stringify(buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId }));

describe('poison isolation in the ingest consumer', () => {
  let broker: EmbeddedBroker;
  let url: string;
  const catalog = loadCatalogFile(join(DEMO_CONFIG_DIR, 'catalog.yaml'));
  const publishers: MqttClient[] = [];
  let runs = 0;

  beforeAll(async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, allowAnonymous: true, logger: silentLogger() });
    url = `mqtt://127.0.0.1:${broker.port}`;
    for (let index = 0; index < GATEWAYS; index++) publishers.push(await connectClient(url, `gw-${index}`));
  });
  afterAll(async () => {
    for (const publisher of publishers) await publisher.endAsync();
    await broker.close();
  });

  async function startConsumer() {
    const run = runs++;
    const store = new FaultyStore(
      // In-memory SQLite: the same engine and SQL without fsync, so the timing measures the consumer.
      await openLedgerStore({ kind: 'memory' }, catalog, {}),
    );
    const consumer = new MovementConsumer(
      {
        url,
        clientId: `cloud-${run}`,
        payloadBytesMax: 64 * 1024,
        verifyEventIds: false,
        deadLetterPayloadBytesMax: 512,
        storeRetryDelayMsMax: 200,
        trackedGatewaysMax: 100,
      },
      {
        store: store as unknown as LedgerStore,
        catalog,
        events: new CloudEvents(),
        logger: silentLogger(),
        clock: systemClock,
      },
    );
    await consumer.start();
    return {
      store,
      consumer,
      async stop() {
        await consumer.stop();
        await store.inner.close();
      },
    };
  }

  /** Publishes GOOD_MESSAGES from GATEWAYS gateways (poison first, when given); ms until all good ones are booked. */
  async function timeGoodMessages(run: number, poison: string | undefined) {
    const { consumer, stop } = await startConsumer();
    const startedMs = performance.now();
    const sends: Promise<unknown>[] = [];
    if (poison !== undefined)
      sends.push(publishers[0]!.publishAsync(`stockwire/v1/store-1/gw-0/events`, poison, { qos: 1 }));
    for (let index = 0; index < GOOD_MESSAGES; index++) {
      const gateway = index % GATEWAYS;
      const payload = documentOf([receiving(run * 100_000 + index)], `gw-${gateway}`);
      sends.push(publishers[gateway]!.publishAsync(`stockwire/v1/store-1/gw-${gateway}/events`, payload, { qos: 1 }));
    }
    await Promise.all(sends);
    await until(() => consumer.stats().eventsApplied >= GOOD_MESSAGES, 60_000, 'every good message booked');
    const elapsedMs = performance.now() - startedMs;
    const stats = consumer.stats();
    await stop();
    return { elapsedMs, stats };
  }

  it('dead-letters one deterministic failure among 1,000 good messages from 10 gateways; the rest are delayed < 1 s', async () => {
    const letters: DeadLetter[] = [];
    const watcher = await connectClient(url, 'dl-watcher');
    watcher.on('message', (_topic, payload) => letters.push(DeadLetterSchema.parse(JSON.parse(payload.toString()))));
    await watcher.subscribeAsync(DEADLETTER_TOPIC, { qos: 1 });

    // A first, untimed run warms the JIT, the broker and SQLite, so neither timed run pays for it.
    await timeGoodMessages(0, undefined);
    const baseline = await timeGoodMessages(1, undefined);
    const poisonDocument = documentOf([{ ...receiving(1), eventID: POISON_ID }, receiving(2)], 'gw-0');
    const poisoned = await timeGoodMessages(2, poisonDocument);
    const ratio = poisoned.elapsedMs / baseline.elapsedMs;
    console.log(
      `1,000 good messages from ${GATEWAYS} gateways: baseline ${baseline.elapsedMs.toFixed(0)} ms, with one poison ${poisoned.elapsedMs.toFixed(0)} ms (×${ratio.toFixed(2)})`,
    );
    expect(poisoned.elapsedMs - baseline.elapsedMs).toBeLessThan(1_000);
    expect(poisoned.stats.poisonEvents).toBe(1);
    expect(poisoned.stats.storeFailures).toBe(0);
    // The good event beside the poison in the same document was booked too.
    expect(poisoned.stats.eventsApplied).toBe(GOOD_MESSAGES + 1);
    await until(() => letters.some((letter) => letter.code === 'SW_INGEST_EVENT_POISON'), 5_000, 'the dead letter');
    const letter = letters.find((each) => each.code === 'SW_INGEST_EVENT_POISON');
    expect(letter?.eventId).toBe(POISON_ID);
    expect(letter?.reason).toContain('injected poison');
    await watcher.endAsync();
  }, 120_000);

  it('dead-letters a month-13 event by its field, and retries an unavailable store without losing the message', async () => {
    const { store, consumer, stop } = await startConsumer();
    const letters: DeadLetter[] = [];
    const watcher = await connectClient(url, 'dl-watcher-2');
    watcher.on('message', (_topic, payload) => letters.push(DeadLetterSchema.parse(JSON.parse(payload.toString()))));
    await watcher.subscribeAsync(DEADLETTER_TOPIC, { qos: 1 });
    const badDate = withEventId({ ...receiving(7), eventTime: '2026-13-01T00:00:00.000Z' });
    await publishers[1]!.publishAsync('stockwire/v1/store-1/gw-1/events', documentOf([badDate], 'gw-1'), { qos: 1 });
    store.busyFailuresLeft = 3;
    await publishers[2]!.publishAsync('stockwire/v1/store-1/gw-2/events', documentOf([receiving(8)], 'gw-2'), {
      qos: 1,
    });
    await until(() => consumer.stats().eventsApplied === 1, 10_000, 'the event behind the busy store');
    expect(consumer.stats().storeFailures).toBe(3);
    await until(() => letters.length > 0, 5_000, 'the dead letter');
    expect(letters[0]?.code).toBe('SW_INGEST_SCHEMA');
    expect(letters[0]?.reason).toContain('eventTime: month 13 does not exist');
    await watcher.endAsync();
    await stop();
  }, 30_000);

  it('stops at once while the store is unavailable (SIGTERM never waits out the backoff)', async () => {
    const { store, consumer, stop } = await startConsumer();
    store.busyFailuresLeft = Number.POSITIVE_INFINITY;
    await publishers[3]!.publishAsync('stockwire/v1/store-1/gw-3/events', documentOf([receiving(9)], 'gw-3'), {
      qos: 1,
    });
    await until(() => consumer.stats().storeFailures >= 3, 10_000, 'retries');
    const startedMs = performance.now();
    await stop();
    expect(performance.now() - startedMs).toBeLessThan(2_000);
  }, 30_000);

  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'store_unavailable'],
    [Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), 'store_unavailable'],
    [Object.assign(new Error('could not extend file'), { code: '53100' }), 'store_unavailable'],
    [Object.assign(new Error('terminating connection'), { code: '57P01' }), 'store_unavailable'],
    [new Error('Connection terminated unexpectedly'), 'store_unavailable'],
    [new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ENOSPC' }) }), 'store_unavailable'],
    [new RangeError('Invalid time value'), 'deterministic'],
    [new Error('invariant violated: stored decimal has more than 15 integer digits'), 'deterministic'],
    [Object.assign(new Error('numeric field overflow'), { code: '22003' }), 'deterministic'],
    [Object.assign(new Error('constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }), 'deterministic'],
  ])('classifies %s as %s', (error, kind) => {
    expect(failureKind(error)).toBe(kind);
  });
});
