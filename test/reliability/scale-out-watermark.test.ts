import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { openLedgerStore } from '../../cloud/src/store/open.js';
import { loadCatalogFile } from '../../cloud/src/catalog-file.js';
import { silentLogger } from '../../shared/src/log.js';
import { CloudProcess } from '../../scripts/bench/e2e/cloud-process.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';
import { startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { startPostgres, type RunningPostgres } from '../support/postgres.js';
import { holdsWithin, waitFor } from '../support/wait.js';
import { inProcessGateway, type InProcessGateway } from './in-process-gateway.js';

/**
 * The committed watermark across shared consumers: three cloud processes (each the real cloud service in
 * its own OS process) share the stream through one MQTT 5 shared subscription on a real Mosquitto 2 and
 * write one real PostgreSQL; four gateways (the real daemon, outbox and publisher) wait for the cloud's
 * confirmation (`confirmation: cloud`) before their outboxes let go of anything. One consumer is killed
 * with SIGKILL mid-run and comes back (as systemd would restart it). Asserts: every outbox empties (the
 * watermark reached each gateway's last sequence) and the retained value ends there; the watermark as
 * published on the wire never steps back while every consumer runs, and does not storm after the kill;
 * every movement is in the ledger, once (each EPC is distinct: a double application would show as extra
 * stock or fail `check`). A failure message carries every figure of the run (`diagnostics`);
 * WATERMARK_DEBUG=1 prints them on success too.
 */
const CONSUMERS = 3;
const GATEWAYS = 4;
const MOVEMENTS = 800;
const GROUP = 'stockwire-cloud';
const directory = mkdtempSync(join(tmpdir(), 'stockwire-scale-out-watermark-'));
let mosquitto: RunningMosquitto;
let postgres: RunningPostgres;
let storeUrl: string;
let watcher: MqttClient;
const clouds: CloudProcess[] = [];
const gateways: InProcessGateway[] = [];
/** Every `committed` publication seen on the wire, per gateway topic, in broker order (live, not retained). */
const published = new Map<string, number[]>();
let lastPublishedAtMs = 0;
/**
 * `committed` publications per gateway on the wire, at most (3 per document). With read-backs on their own
 * connection runs show 36–120. Before, a restarted consumer set off a storm: consumers answered each
 * other's stale read-backs back and forth, up to 39,132 publications on one gateway's wire and 64,066
 * messages per consumer (docs/scale-out.md, section 4).
 */
const PUBLICATIONS_PER_GATEWAY_MAX = 3 * (MOVEMENTS / 10);

async function startConsumer(index: number): Promise<CloudProcess> {
  const cloud = new CloudProcess();
  const clientId = `${GROUP}-${index}`;
  await cloud.request(
    { type: 'start', mqttUrl: mosquitto.url, storeUrl, clientId, sharedGroup: GROUP, poolSize: 4 },
    'started',
    60_000,
  );
  return cloud;
}

function gateway(index: number): InProcessGateway {
  return inProcessGateway(
    {
      siteId: 'store-1',
      gatewayId: `gw-${index}`,
      debounce: { tickIntervalMs: 20 },
      mqtt: {
        url: mosquitto.url,
        reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
        confirmation: 'cloud',
        // What the killed consumer held un-acked waits at the broker for it; the gateway resends what
        // stays unconfirmed this long (the default is 15 s; a test keeps it short).
        confirmTimeoutMs: 3_000,
        eventsPerMessageMax: 10,
      },
      outbox: { path: join(directory, `gw-${index}.sqlite`) },
      statusIntervalMs: 60_000,
    },
    { total: MOVEMENTS, perTick: 10, offset: index * 1_000_000 },
  );
}

/** The retained `committed` value of every gateway, as a gateway (re)connecting would read it. */
async function retainedWatermarks(): Promise<Map<string, number>> {
  const reader = await mqtt.connectAsync(mosquitto.url, { clientId: 'watermark-reader', clean: true });
  const values = new Map<string, number>();
  reader.on('message', (topic, payload) =>
    values.set(topic, (JSON.parse(payload.toString()) as { committedThrough: number }).committedThrough),
  );
  await reader.subscribeAsync('stockwire/v1/+/+/committed', { qos: 1 });
  await waitFor(() => (values.size >= GATEWAYS ? true : undefined), 10_000, 'every retained watermark');
  await reader.endAsync();
  return values;
}

/** Values lower than the one before them: the watermark stepped back on the wire. */
function stepsBack(values: readonly number[]): number[] {
  return values.filter((value, at) => at > 0 && value < (values[at - 1] as number));
}

/** What the run left behind, per gateway and per consumer, for failure messages (and WATERMARK_DEBUG). */
async function diagnostics(
  retained: ReadonlyMap<string, number>,
  beforeKill: ReadonlyMap<string, number>,
  store: Awaited<ReturnType<typeof openStore>>,
  phases: ReadonlyMap<string, number>,
) {
  const inStock = (await store.stock()).reduce((sum, row) => sum + row.epcsInStock, 0);
  const checkOk = (await store.check()).ok;
  const times = [...phases].map(([phase, atMs], at, all) => `${phase} +${atMs - (all[at - 1]?.[1] ?? atMs)} ms`);
  const lines = [
    `in stock ${inStock} of ${GATEWAYS * MOVEMENTS}, check ${checkOk ? 'ok' : 'FAILED'}`,
    `phases: ${times.join(', ')}`,
  ];
  gateways.forEach((each, index) => {
    const topic = `stockwire/v1/store-1/gw-${index}/committed`;
    const values = published.get(topic) ?? [];
    const killedAt = beforeKill.get(topic) ?? 0;
    const stats = each.daemon.publisherStats();
    lines.push(
      `gw-${index}: retained ${retained.get(topic)}, outbox ${each.daemon.outboxFill().depth}, ` +
        `published ${stats.messagesPublished} acked ${stats.messagesAcked} in flight ${stats.inflightMessages}, ` +
        `steps back ${stepsBack(values.slice(0, killedAt)).length} before the kill / ` +
        `${stepsBack(values.slice(killedAt)).length} after`,
      `  wire: ${values.slice(0, killedAt).join(' ')} | KILL | ${values.slice(killedAt).join(' ')}`,
    );
  });
  for (const [index, cloud] of clouds.entries()) {
    const stats = await cloud.stats(5_000).catch(() => undefined);
    lines.push(`consumer ${index}: ${stats ? JSON.stringify(stats) : 'no stats'}`);
  }
  return { inStock, checkOk, text: lines.join('\n') };
}

async function openStore() {
  const config = CloudConfigSchema.parse({
    catalogFile: 'catalog.yaml',
    store: { kind: 'postgres', url: storeUrl, poolSize: 2 },
    mqtt: { url: mosquitto.url },
    http: { port: 0 },
  });
  const catalog = loadCatalogFile(join(DEMO_CONFIG_DIR, 'catalog.yaml'));
  return openLedgerStore(config.store, catalog, { logger: silentLogger() });
}

beforeAll(async () => {
  [mosquitto, postgres] = await Promise.all([startMosquitto(), startPostgres()]);
  storeUrl = await postgres.createDatabase('scale_out_watermark');
  clouds.push(await startConsumer(0));
  clouds.push(...(await Promise.all(Array.from({ length: CONSUMERS - 1 }, (_, index) => startConsumer(index + 1)))));
  watcher = await mqtt.connectAsync(mosquitto.url, { clientId: 'watermark-watcher', clean: true });
  watcher.on('message', (topic, payload, packet) => {
    if (packet.retain) return;
    const values = published.get(topic) ?? [];
    values.push((JSON.parse(payload.toString()) as { committedThrough: number }).committedThrough);
    published.set(topic, values);
    lastPublishedAtMs = Date.now();
  });
  await watcher.subscribeAsync('stockwire/v1/+/+/committed', { qos: 1 });
}, 120_000);

/** A part that does not stop in time must not keep the broker and database from being removed. */
const within = (what: Promise<unknown>, timeoutMs: number) =>
  Promise.race([what.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);

afterAll(async () => {
  await within(Promise.all(gateways.map((each) => each.daemon.stop('test'))), 15_000);
  await within(watcher?.endAsync() ?? Promise.resolve(), 5_000);
  await within(Promise.all(clouds.map((cloud) => cloud.close())), 30_000);
  await mosquitto?.remove();
  await postgres?.stop();
  rmSync(directory, { recursive: true, force: true });
}, 90_000);

describe('committed watermark across shared consumers (Mosquitto + PostgreSQL)', () => {
  it('reaches every last sequence without stepping back, outboxes empty; a consumer killed mid-run loses nothing', async () => {
    const store = await openStore();
    const phases = new Map([['start', Date.now()]]);
    try {
      for (let index = 0; index < GATEWAYS; index++) gateways.push(gateway(index));
      for (const each of gateways) await each.daemon.start();
      for (const each of gateways) each.produce();
      const inStock = async () => (await store.stock()).reduce((sum, row) => sum + row.epcsInStock, 0);
      // Mid-run: kill -9 one consumer, and bring it back (same client id: it resumes its session).
      await waitFor(
        async () => ((await inStock()) >= (GATEWAYS * MOVEMENTS) / 3 ? true : undefined),
        60_000,
        'a third',
      );
      phases.set('a third', Date.now());
      const beforeKill = new Map([...published].map(([topic, values]) => [topic, values.length]));
      await (clouds[1] as CloudProcess).kill();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      phases.set('killed, waited 1 s', Date.now());
      clouds[1] = await startConsumer(1);
      phases.set('restarted', Date.now());

      const drained = await holdsWithin(() => gateways.every((each) => each.daemon.outboxFill().depth === 0), 90_000);
      phases.set('outboxes empty', Date.now());
      // "Ends at the last sequence" is read once the wire is quiet: after the kill two consumers can apply the
      // same range (one from the killed consumer's session, one from the gateway's resend) and a value can
      // land behind a newer one for a moment; the others answer it at once (section 4, "Limits").
      const quiet = await holdsWithin(() => Date.now() - lastPublishedAtMs >= 1_000, 20_000);
      phases.set('quiet', Date.now());
      const retained = await retainedWatermarks();
      const report = await diagnostics(retained, beforeKill, store, phases);
      if (process.env.WATERMARK_DEBUG) process.stderr.write(`${report.text}\n`);
      // Every figure of the run goes into each message, so a failure says which gateway and what values.
      expect(drained, `every gateway outbox emptied by the cloud watermark\n${report.text}`).toBe(true);
      expect(report.inStock, `every movement in the ledger once\n${report.text}`).toBe(GATEWAYS * MOVEMENTS);
      expect(report.checkOk, `ledger check\n${report.text}`).toBe(true);
      expect(quiet, `the committed topics went quiet\n${report.text}`).toBe(true);
      for (let index = 0; index < GATEWAYS; index++) {
        const topic = `stockwire/v1/store-1/gw-${index}/committed`;
        expect(retained.get(topic), `gw-${index}: retained watermark at the end\n${report.text}`).toBe(MOVEMENTS);
        // While every consumer runs, the published watermark only grows.
        const values = published.get(topic) ?? [];
        const steady = values.slice(0, beforeKill.get(topic) ?? 0);
        expect(stepsBack(steady), `gw-${index}: stepped back while every consumer ran\n${report.text}`).toEqual([]);
        expect(values.length, `gw-${index}: publications (a storm?)\n${report.text}`).toBeLessThanOrEqual(
          PUBLICATIONS_PER_GATEWAY_MAX,
        );
      }
    } finally {
      await store.close();
    }
  }, 240_000);
});
