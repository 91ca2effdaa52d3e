/**
 * `npm run bench -- e2e [--gateways 1000] [--brokers aedes,mosquitto] [--stores sqlite,postgres]
 *   [--events 30000] [--latency-seconds 10] [--timeout-seconds 240]`
 *
 * The whole cloud path, measured from outside: G gateways, each the real daemon (its SQLite outbox and
 * pipelined publisher, its own MQTT client and gateway id) with a synthetic debounce engine, publish
 * EPCIS documents through a real broker to the real cloud service, which applies them to its ledger and
 * acks after commit. In the same run the same gateways publish the same messages through the same
 * broker to a plain QoS 1 subscriber (the transport baseline), and the ratio is printed.
 * Gateway outboxes live in a RAM folder: on a site each gateway has its own disk, here they share ours.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { startMosquitto } from '../../test/support/mosquitto.js';
import { startPostgres, type RunningPostgres } from '../../test/support/postgres.js';
import { holdsWithin } from '../../test/support/wait.js';
import {
  burst,
  movement,
  DEMO_CONFIG_DIR,
  parseOptions,
  startFleet,
  type BenchOptions,
  type Producer,
} from './e2e/fleet.js';

interface Broker {
  url: string;
  close(): Promise<void>;
}

async function startBroker(kind: string): Promise<Broker> {
  if (kind === 'mosquitto') {
    // Deploy settings for a cloud broker: no per-client queue cap, a deep in-flight window.
    const running = await startMosquitto({ extraConfig: ['max_queued_messages 0', 'max_inflight_messages 0'] });
    return { url: running.url, close: () => running.remove() };
  }
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    allowAnonymous: true,
    logger: silentLogger(),
  });
  return { url: `mqtt://127.0.0.1:${broker.port}`, close: () => broker.close() };
}

const ramDir = (): string => mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'stockwire-e2e-'));

/** Runs `produce` through a fresh fleet until `done()`; returns seconds from go to done. */
async function timedRun(options: BenchOptions, url: string, produce: Producer, done: () => boolean): Promise<number> {
  const dir = ramDir();
  const fleet = startFleet(url, options.gateways, produce, 200, dir);
  try {
    const bootMs = performance.now();
    await fleet.start();
    if (process.env.E2E_DEBUG)
      process.stderr.write(`fleet of ${options.gateways} up in ${(performance.now() - bootMs).toFixed(0)} ms\n`);
    const startedMs = performance.now();
    fleet.go();
    if (!(await holdsWithin(done, options.timeoutMs))) throw new Error('timed out');
    return (performance.now() - startedMs) / 1_000;
  } finally {
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The transport baseline: the same messages to a plain QoS 1 subscriber that parses and counts them. */
async function transportRate(options: BenchOptions, url: string, items: number): Promise<number> {
  const subscriber = await mqtt.connectAsync(url, { clientId: `bench-plain-${Date.now()}`, clean: true });
  let events = 0;
  const progress = setInterval(
    () => process.env.E2E_DEBUG && process.stderr.write(`transport: ${events} events\n`),
    5_000,
  );
  subscriber.on('message', (_topic, payload) => {
    events += (JSON.parse(payload.toString()) as { epcisBody: { eventList: unknown[] } }).epcisBody.eventList.length;
  });
  await subscriber.subscribeAsync('stockwire/v1/+/+/events', { qos: 1 });
  try {
    const total = options.events;
    const seconds = await timedRun(options, url, burst(total, options.gateways, items), () => events >= total);
    return events / seconds;
  } finally {
    clearInterval(progress);
    await subscriber.endAsync();
  }
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

async function cloudRate(options: BenchOptions, url: string, cloud: Cloud, items: number): Promise<number> {
  const settled = () => {
    const stats = cloud.service.consumer.stats();
    return stats.eventsApplied + stats.eventsDuplicate;
  };
  const before = settled();
  const total = options.events;
  const producer = burst(total, options.gateways, items, items === 1 ? 0 : 1_000_000);
  const seconds = await timedRun(options, url, producer, () => settled() - before >= total);
  return (settled() - before) / seconds;
}

/** G gateways × 1 movement/s for the given seconds; latency from the engine's tick to the ledger commit. */
async function latency(
  options: BenchOptions,
  url: string,
  cloud: Cloud,
): Promise<{ p50: number; p99: number; n: number }> {
  const createdMs = new Map<string, number>();
  const latenciesMs: number[] = [];
  const onChanges = (changes: { transactionId: string }[]) => {
    const nowMs = performance.now();
    for (const change of changes) {
      const created = createdMs.get(change.transactionId);
      if (created === undefined) continue;
      createdMs.delete(change.transactionId);
      latenciesMs.push(nowMs - created);
    }
  };
  cloud.service.events.on('positionsChanged', onChanges);
  const sent = new Array<number>(options.gateways).fill(0);
  const startMs = performance.now();
  const produce: Producer = (gatewayIndex) => {
    // Spread the fleet over the second, as real gateways are not in phase.
    const dueCount = Math.floor((performance.now() - startMs) / 1_000 + gatewayIndex / options.gateways);
    if ((sent[gatewayIndex] as number) >= Math.min(dueCount, options.latencySeconds)) return [];
    const event = movement(gatewayIndex, 5_000_000 + (sent[gatewayIndex] as number)++, 1);
    createdMs.set(event.eventID, performance.now());
    return [event];
  };
  const expected = options.gateways * options.latencySeconds;
  try {
    await timedRun(options, url, produce, () => latenciesMs.length >= expected);
  } finally {
    cloud.service.events.off('positionsChanged', onChanges);
  }
  latenciesMs.sort((a, b) => a - b);
  const at = (share: number) =>
    latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(share * latenciesMs.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), n: latenciesMs.length };
}

const PALLET_ITEMS = 12;
const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Row {
  broker: string;
  store: string;
  singleEventsPerSecond: number;
  singleTransport: number;
  palletLinesPerSecond: number;
  palletTransportLines: number;
  p50Ms: number;
  p99Ms: number;
}

function printRow(row: Row): void {
  process.stdout.write(
    `${row.broker.padEnd(9)} ${row.store.padEnd(8)} single ${fmt(row.singleEventsPerSecond).padStart(7)} ev/s ` +
      `(transport ${fmt(row.singleTransport)}, ratio ${fmt(row.singleEventsPerSecond / row.singleTransport, 3)})  ` +
      `pallets ${fmt(row.palletLinesPerSecond).padStart(8)} lines/s (transport ${fmt(row.palletTransportLines)}, ratio ` +
      `${fmt(row.palletLinesPerSecond / row.palletTransportLines, 3)})  latency p50 ${fmt(row.p50Ms, 1)} ms p99 ${fmt(row.p99Ms, 1)} ms\n`,
  );
}

async function benchBroker(options: BenchOptions, brokerKind: string, postgres: RunningPostgres | null): Promise<void> {
  const broker = await startBroker(brokerKind);
  try {
    const singleTransport = await transportRate(options, broker.url, 1);
    const palletTransportLines = (await transportRate(options, broker.url, PALLET_ITEMS)) * PALLET_ITEMS;
    for (const store of options.stores) {
      if (store === 'postgres' && !postgres) continue;
      const cloud = await startCloud(broker.url, store, postgres);
      try {
        const singleEventsPerSecond = await cloudRate(options, broker.url, cloud, 1);
        const palletLinesPerSecond = (await cloudRate(options, broker.url, cloud, PALLET_ITEMS)) * PALLET_ITEMS;
        const { p50, p99 } = await latency(options, broker.url, cloud);
        printRow({
          broker: brokerKind,
          store,
          singleEventsPerSecond,
          singleTransport,
          palletLinesPerSecond,
          palletTransportLines,
          p50Ms: p50,
          p99Ms: p99,
        });
      } finally {
        await cloud.stop();
      }
    }
  } finally {
    await broker.close();
  }
}

export async function run(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.stdout.write(
    `e2e: ${options.gateways} gateways, ${options.events} movements per run, latency at ${options.gateways} × 1/s for ` +
      `${options.latencySeconds} s; load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}\n`,
  );
  const postgres = options.stores.includes('postgres') ? await startPostgres({ durable: true }) : null;
  try {
    for (const brokerKind of options.brokers) await benchBroker(options, brokerKind, postgres);
  } finally {
    await postgres?.stop();
  }
}
