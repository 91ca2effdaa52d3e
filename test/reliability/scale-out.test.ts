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
import { startPostgres, type RunningPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';
import { inProcessGateway, type InProcessGateway } from './in-process-gateway.js';

/**
 * Scale-out: three cloud services share the stream through one MQTT 5 shared subscription on a
 * real Mosquitto 2 and write one real PostgreSQL. Mosquitto deals each gateway's documents
 * round-robin, so they reach the consumers out of order; the sequence gate restores per-gateway
 * order.
 */
const CONSUMERS = 3;
const GATEWAYS = 4;
const MOVEMENTS = 600;
const directory = mkdtempSync(join(tmpdir(), 'stockwire-scale-out-'));
let mosquitto: RunningMosquitto;
let postgres: RunningPostgres;
const clouds: CloudService[] = [];
const gateways: InProcessGateway[] = [];

function gateway(index: number): InProcessGateway {
  return inProcessGateway(
    {
      siteId: 'store-1',
      gatewayId: `gw-${index}`,
      debounce: { tickIntervalMs: 20 },
      mqtt: { url: mosquitto.url, reconnect: { initialDelayMs: 100, maxDelayMs: 400 }, confirmation: 'cloud' },
      outbox: { path: join(directory, `gw-${index}.sqlite`) },
      statusIntervalMs: 60_000,
    },
    { total: MOVEMENTS, perTick: 15, offset: index * 1_000_000 },
  );
}

beforeAll(async () => {
  [mosquitto, postgres] = await Promise.all([startMosquitto(), startPostgres()]);
  const url = await postgres.createDatabase('scale_out');
  for (let index = 0; index < CONSUMERS; index++) {
    clouds.push(
      await startCloudService(
        CloudConfigSchema.parse({
          catalogFile: 'catalog.yaml',
          store: { kind: 'postgres', url, poolSize: 4 },
          mqtt: { url: mosquitto.url, clientId: `stockwire-cloud-${index}`, sharedGroup: 'stockwire-cloud' },
          http: { port: 0, publicRead: true },
        }),
        { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock },
      ),
    );
  }
}, 60_000);
/** A part that does not stop in time must not keep the broker and database from being removed. */
const within = (what: Promise<unknown>, timeoutMs: number) =>
  Promise.race([what.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);

afterAll(async () => {
  await within(Promise.all(gateways.map((each) => each.daemon.stop('test'))), 15_000);
  await within(Promise.all(clouds.map((cloud) => cloud.stop())), 15_000);
  await mosquitto?.remove();
  await postgres?.stop();
  rmSync(directory, { recursive: true, force: true });
}, 90_000);

describe('several cloud consumers on Mosquitto + PostgreSQL', () => {
  // The committed watermark across consumers (outboxes emptied, a consumer killed mid-run) is
  // asserted in scale-out-watermark.test.ts.
  it('nothing lost, nothing twice, invariants hold', async () => {
    for (let index = 0; index < GATEWAYS; index++) gateways.push(gateway(index));
    for (const each of gateways) await each.daemon.start();
    for (const each of gateways) each.produce();
    const store = (clouds[0] as CloudService).store;
    const inStock = async () => (await store.stock()).reduce((sum, row) => sum + row.epcsInStock, 0);
    await waitFor(
      async () => ((await inStock()) >= GATEWAYS * MOVEMENTS ? true : undefined),
      90_000,
      'every movement in the ledger',
    );
    expect(await inStock()).toBe(GATEWAYS * MOVEMENTS);
    const stats = clouds.map((cloud) => cloud.consumer.stats());
    // Nothing twice: each event applied by exactly one consumer (redeliveries show up as duplicates).
    expect(stats.reduce((sum, each) => sum + each.eventsApplied, 0)).toBe(GATEWAYS * MOVEMENTS);
    // The broker really shared the stream.
    expect(stats.filter((each) => each.documentsApplied > 0).length).toBeGreaterThanOrEqual(2);
    expect((await store.check()).ok).toBe(true);
  }, 150_000);
});
