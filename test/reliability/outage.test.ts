import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';
import { startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { inProcessGateway } from './in-process-gateway.js';
import { startRecorder, until, type Recorder } from './recorder.js';

/**
 * Broker outage: Mosquitto 2 is stopped while the gateway produces 10K
 * movements, then started again. Everything arrives, in order, each movement
 * once at the consumer's store; nothing was handed to mqtt.js while offline.
 */
const MOVEMENTS = 10_000;
const directory = mkdtempSync(join(tmpdir(), 'stockwire-outage-'));
let mosquitto: RunningMosquitto;
let recorder: Recorder;
let cloud: CloudService;

beforeAll(async () => {
  mosquitto = await startMosquitto();
  // The real cloud service (ledger, dedupe, ack after commit) and a recorder for arrival order.
  cloud = await startCloudService(
    CloudConfigSchema.parse({
      catalogFile: 'catalog.yaml',
      store: { kind: 'sqlite', path: join(directory, 'ledger.sqlite') },
      mqtt: { url: mosquitto.url, clientId: 'stockwire-cloud' },
      http: { port: 0, publicRead: true },
    }),
    { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock },
  );
  recorder = await startRecorder({ url: mosquitto.url, databasePath: join(directory, 'recorder.sqlite') });
});
afterAll(async () => {
  await cloud?.stop();
  await recorder?.close();
  await mosquitto?.remove();
  rmSync(directory, { recursive: true, force: true });
});

describe('outage test: broker down while movements are produced', () => {
  it(`delivers all ${MOVEMENTS} movements in order, none twice, after the broker returns`, async () => {
    const gateway = inProcessGateway(
      {
        siteId: 'store-1',
        gatewayId: 'gw-outage',
        debounce: { tickIntervalMs: 20 },
        mqtt: { url: mosquitto.url, reconnect: { initialDelayMs: 100, maxDelayMs: 400 } },
        outbox: { path: join(directory, 'outbox.sqlite') },
        statusIntervalMs: 1_000,
      },
      { total: MOVEMENTS, perTick: 250 },
    );
    await gateway.daemon.start();
    await until(() => gateway.daemon.isConnected(), 10_000, 'the gateway to connect');

    await mosquitto.stop();
    await until(() => !gateway.daemon.isConnected(), 10_000, 'the gateway to notice the outage');
    const publishedBefore = gateway.daemon.publisherStats().messagesPublished;
    gateway.produce();
    await until(() => gateway.daemon.outboxFill().lastSequence === MOVEMENTS, 30_000, 'all movements in the outbox');
    expect(gateway.daemon.outboxFill().depth).toBe(MOVEMENTS);
    // The outbox is the queue: nothing went to mqtt.js while the broker was away.
    expect(gateway.daemon.publisherStats().messagesPublished).toBe(publishedBefore);

    const restartedAtMs = Date.now();
    await mosquitto.start();
    await until(() => recorder.distinctCount() === MOVEMENTS, 60_000, `${MOVEMENTS} movements at the consumer`);
    const drainMs = Date.now() - restartedAtMs;
    await until(() => gateway.daemon.outboxFill().depth === 0, 10_000, 'the outbox to empty');

    expect(recorder.indexes()).toEqual(Array.from({ length: MOVEMENTS }, (_, index) => index));
    expect(recorder.duplicates()).toBe(0);
    let epcsInStock = 0;
    const ledgerDeadline = Date.now() + 30_000;
    while (epcsInStock < MOVEMENTS && Date.now() < ledgerDeadline) {
      epcsInStock = (await cloud.store.stock()).reduce((sum, row) => sum + row.epcsInStock, 0);
      if (epcsInStock < MOVEMENTS) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(epcsInStock).toBe(MOVEMENTS);
    expect((await cloud.store.check()).ok).toBe(true);
    console.info(
      `outage test: ${MOVEMENTS} movements delivered ${drainMs} ms after the broker restart (${Math.round((MOVEMENTS / drainMs) * 1000)} movements/s incl. reconnect)`,
    );
    await gateway.daemon.stop('test');
  }, 120_000);
});
