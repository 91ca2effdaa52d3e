/**
 * `npm run bench -- e2e [--gateways 1000] [--brokers aedes,mosquitto] [--stores sqlite,postgres]
 *   [--events 30000] [--latency-seconds 10] [--warmup-seconds 3] [--timeout-seconds 240] [--sites 20] [--consumers 1,4]`
 *
 * The whole cloud path, measured from outside: G gateways, each the real daemon (its SQLite outbox and
 * pipelined publisher, its own MQTT client and gateway id) with a synthetic debounce engine, publish
 * EPCIS documents through a real broker to the real cloud service, which applies them to its ledger and
 * acks after commit. In the same run the same gateways publish the same messages through the same
 * broker to a plain QoS 1 subscriber (the transport baseline), and the ratio is printed.
 * The gateways (and aedes) run in a child process (e2e/load.ts), so this process's CPU time is the
 * cloud's own: it is printed per event beside the plain subscriber's. Gateway outboxes live in a RAM
 * folder: on a site each gateway has its own disk, here they share ours.
 * With `--consumers` it prints the scale-out table instead (e2e/scale.ts): N cloud processes vs 1 on
 * Mosquitto + PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import type { PositionChange } from '../../cloud/src/events.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { startMosquitto } from '../../test/support/mosquitto.js';
import { startPostgres, type RunningPostgres } from '../../test/support/postgres.js';
import { DEMO_CONFIG_DIR, parseOptions, type BenchOptions } from './e2e/fleet.js';
import type { Workload } from './e2e/load.js';
import {
  fmt,
  LatencySample,
  LoadSide,
  plainLatencySubscriber,
  rateOf,
  timedRun,
  transportLatency,
  transportRate,
  type LatencySummary,
  type Percentiles,
  type Rate,
} from './e2e/runner.js';
import { benchScaleOut } from './e2e/scale.js';

/** Deploy settings for a cloud broker: no per-client queue cap, a deep in-flight window. */
const MOSQUITTO_DEPLOY = ['max_queued_messages 0', 'max_inflight_messages 0'];

interface Broker {
  url: string;
  close(): Promise<void>;
}

async function startBroker(kind: string, load: LoadSide): Promise<Broker> {
  if (kind === 'mosquitto') {
    const running = await startMosquitto({ extraConfig: MOSQUITTO_DEPLOY });
    return { url: running.url, close: () => running.remove() };
  }
  // aedes runs beside the gateways, not in the cloud's process (its CPU is not the cloud's).
  const { url } = await load.request({ type: 'broker' }, 'broker', 30_000);
  return { url, close: async () => undefined };
}

interface Cloud {
  service: CloudService;
  stop(): Promise<void>;
}

async function startCloud(url: string, store: string, postgres: RunningPostgres | null): Promise<Cloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stockwire-e2e-cloud-'));
  const storeConfig =
    store === 'postgres' && postgres
      ? { kind: 'postgres', url: await postgres.createDatabase(`bench_${Date.now()}`) }
      : { kind: 'sqlite', path: join(dataDir, 'ledger.sqlite') };
  const config = CloudConfigSchema.parse({
    catalogFile: 'catalog.yaml',
    store: storeConfig,
    mqtt: { url, clientId: `bench-cloud-${Date.now()}` },
    http: { port: 0, publicRead: true },
  });
  const service = await startCloudService(config, {
    configDir: DEMO_CONFIG_DIR,
    logger: silentLogger(),
    clock: systemClock,
  });
  return {
    service,
    stop: async () => {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface CloudRate extends Rate {
  /** MQTT messages and ledger transactions per group commit, on average. */
  messagesPerBatch: number;
  transactionsPerBatch: number;
}

async function cloudRate(
  options: BenchOptions,
  load: LoadSide,
  url: string,
  cloud: Cloud,
  items: number,
): Promise<CloudRate> {
  const settled = () => {
    const stats = cloud.service.consumer.stats();
    return stats.eventsApplied + stats.eventsDuplicate;
  };
  const before = settled();
  const commitBefore = cloud.service.consumer.stats().commit;
  const total = options.events;
  const workload: Workload = { kind: 'burst', total, items, indexOffset: items === 1 ? 0 : 1_000_000 };
  const timed = await timedRun(options, load, url, workload, () => settled() - before >= total);
  const commit = cloud.service.consumer.stats().commit;
  const batches = commit.batches - commitBefore.batches;
  return {
    ...rateOf(settled() - before, timed),
    messagesPerBatch: batches > 0 ? (commit.messages - commitBefore.messages) / batches : 0,
    transactionsPerBatch: batches > 0 ? (commit.transactions - commitBefore.transactions) / batches : 0,
  };
}

/**
 * G gateways × 1 movement/s for the given seconds; latency from the event's creation on the load side (its
 * event time, wall clock: both processes share the machine's clock) to the ledger commit announcing it. The
 * cloud's event-loop delay over the same run says how much of it is the cloud's own stalls.
 */
async function latency(options: BenchOptions, load: LoadSide, url: string, cloud: Cloud): Promise<CloudLatency> {
  const sample = new LatencySample();
  const onChanges = (changes: PositionChange[]) => {
    const nowMs = Date.now();
    for (const change of changes) sample.add(Date.parse(change.time), nowMs);
  };
  cloud.service.events.on('positionsChanged', onChanges);
  // The same documents as they reach this process beside the cloud: splits the broker's and load side's part
  // from the cloud's (costs this process ~1 JSON.parse per document).
  const delivered = await plainLatencySubscriber(url);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const expected = options.gateways * options.latencySeconds;
  try {
    const workload: Workload = { kind: 'paced', seconds: options.latencySeconds };
    await timedRun(options, load, url, workload, () => sample.count >= expected);
  } finally {
    loopDelay.disable();
    cloud.service.events.off('positionsChanged', onChanges);
    await delivered.end();
  }
  if (process.env.E2E_LATENCY_TRACE) sample.write(process.env.E2E_LATENCY_TRACE, delivered.sample);
  return {
    ...sample.summary(options.warmupSeconds * 1_000),
    delivered: delivered.sample.summary(options.warmupSeconds * 1_000),
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
}

interface CloudLatency extends LatencySummary {
  /** The same run's documents at a plain subscriber beside the cloud. */
  delivered: LatencySummary;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const PALLET_ITEMS = 12;

/** p50 / p99 of the whole paced run and of its steady part (past the warm-up), beside the transport's. */
function latencyLine(row: Row, options: BenchOptions): string {
  const pair = (value: Percentiles) => `${fmt(value.p50Ms, 1)} / ${fmt(value.p99Ms, 1)} ms`;
  const { latency: cloud, transportLatency: transport } = row;
  return (
    `${''.padEnd(19)}latency p50 / p99 at ${options.gateways} × 1/s: ${pair(cloud.steady)} after the first ` +
    `${options.warmupSeconds} s (delivered beside the cloud ${pair(cloud.delivered.steady)}; transport run ` +
    `${pair(transport.steady)}); whole run ${pair(cloud.all)} (delivered ${pair(cloud.delivered.all)}; transport run ` +
    `${pair(transport.all)}); cloud event-loop delay p99 ${fmt(cloud.loopDelayP99Ms, 1)} ms, ` +
    `max ${fmt(cloud.loopDelayMaxMs, 1)} ms\n`
  );
}

interface Row {
  broker: string;
  store: string;
  single: CloudRate;
  singleTransport: Rate;
  pallets: CloudRate;
  palletTransport: Rate;
  latency: CloudLatency;
  transportLatency: LatencySummary;
}

function printRow(row: Row, options: BenchOptions): void {
  const { single, singleTransport, pallets, palletTransport } = row;
  const palletLines = pallets.eventsPerSecond * PALLET_ITEMS;
  const transportLines = palletTransport.eventsPerSecond * PALLET_ITEMS;
  process.stdout.write(
    `${row.broker.padEnd(9)} ${row.store.padEnd(8)} single ${fmt(single.eventsPerSecond).padStart(7)} ev/s ` +
      `(transport ${fmt(singleTransport.eventsPerSecond)}, ratio ${fmt(single.eventsPerSecond / singleTransport.eventsPerSecond, 3)})  ` +
      `pallets ${fmt(palletLines).padStart(8)} lines/s (transport ${fmt(transportLines)}, ratio ` +
      `${fmt(palletLines / transportLines, 3)})\n` +
      `${''.padEnd(19)}cloud CPU ${fmt(single.cpuUsPerEvent)} µs/event single, ${fmt(pallets.cpuUsPerEvent / PALLET_ITEMS, 1)} µs/line ` +
      `as pallets (plain subscriber ${fmt(singleTransport.cpuUsPerEvent)} µs/event, ${fmt(palletTransport.cpuUsPerEvent / PALLET_ITEMS, 1)} µs/line); ` +
      `group commits of ${fmt(single.messagesPerBatch)} / ${fmt(pallets.messagesPerBatch)} messages, ` +
      `${fmt(single.transactionsPerBatch)} / ${fmt(pallets.transactionsPerBatch)} events; load side ` +
      `${fmt(single.loadCores, 2)} / ${fmt(pallets.loadCores, 2)} cores (transport runs ${fmt(singleTransport.loadCores, 2)} / ` +
      `${fmt(palletTransport.loadCores, 2)})\n` +
      latencyLine(row, options),
  );
}

async function benchBroker(
  options: BenchOptions,
  brokerKind: string,
  load: LoadSide,
  postgres: RunningPostgres | null,
): Promise<void> {
  const broker = await startBroker(brokerKind, load);
  try {
    const singleTransport = await transportRate(options, load, broker.url, 1);
    const palletTransport = await transportRate(options, load, broker.url, PALLET_ITEMS);
    const transportPaced = await transportLatency(options, load, broker.url);
    for (const store of options.stores) {
      if (store === 'postgres' && !postgres) continue;
      const cloud = await startCloud(broker.url, store, postgres);
      try {
        const single = await cloudRate(options, load, broker.url, cloud, 1);
        const pallets = await cloudRate(options, load, broker.url, cloud, PALLET_ITEMS);
        const cloudLatency = await latency(options, load, broker.url, cloud);
        printRow(
          {
            broker: brokerKind,
            store,
            single,
            singleTransport,
            pallets,
            palletTransport,
            latency: cloudLatency,
            transportLatency: transportPaced,
          },
          options,
        );
      } finally {
        await cloud.stop();
      }
    }
  } finally {
    await broker.close();
  }
}

/** `--consumers 1,4`: the scale-out table (Mosquitto + PostgreSQL, N cloud processes) instead of the single-process one. */
async function runScaleOut(options: BenchOptions): Promise<void> {
  const [mosquitto, postgres] = await Promise.all([
    startMosquitto({ extraConfig: MOSQUITTO_DEPLOY }),
    startPostgres({ durable: true }),
  ]);
  const load = new LoadSide();
  try {
    await benchScaleOut(options, load, mosquitto, postgres);
  } finally {
    await load.close();
    await mosquitto.remove();
    await postgres.stop();
  }
}

export async function run(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.stdout.write(
    `e2e: ${options.gateways} gateways at ${options.sites} sites (in a child process), ${options.events} movements per run` +
      `${options.consumers.length > 0 ? `, cloud processes ${options.consumers.join(' vs ')}` : `, latency at ${options.gateways} × 1/s for ${options.latencySeconds} s`}` +
      `; load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}\n`,
  );
  if (options.consumers.length > 0) return runScaleOut(options);
  const postgres = options.stores.includes('postgres') ? await startPostgres({ durable: true }) : null;
  const load = new LoadSide();
  try {
    for (const brokerKind of options.brokers) await benchBroker(options, brokerKind, load, postgres);
  } finally {
    await load.close();
    await postgres?.stop();
  }
}
