/**
 * `npm run bench -- e2e --consumers 1,4 [--gateways 200] [--sites 200] [--events 30000] [--reorder-hold-ms 2000]`: scale-out measured.
 * For each count N, N cloud processes (e2e/cloud-worker.ts: the real cloud service, each its own OS process)
 * share the gateways' stream through one MQTT 5 shared subscription on Mosquitto 2 and write one PostgreSQL
 * (durable: fsync and synchronous commit on). The same burst of single-item movements runs for each N, and
 * for a plain QoS 1 subscriber (the transport baseline), in one run. Besides events/s it prints where the
 * CPU went: each cloud process, PostgreSQL (postmaster and backends, from /proc), Mosquitto and the load
 * side, per event and in cores, so a reader on a machine with more cores can extrapolate.
 */
import { availableParallelism } from 'node:os';
import mqtt from 'mqtt';
import type { RunningMosquitto } from '../../../test/support/mosquitto.js';
import type { RunningPostgres } from '../../../test/support/postgres.js';
import type { WorkerStart, WorkerStats } from './cloud-worker.js';
import { CloudProcess } from './cloud-process.js';
import type { BenchOptions } from './fleet.js';
import { findProcess, treeCpuMs } from './proc-cpu.js';
import { fmt, timedRun, transportRate, type LoadSide, type Rate } from './runner.js';

interface ScaleRow {
  consumers: number;
  rate: Rate;
  /** Per cloud process: CPU µs per event it settled, and cores it used. */
  processes: { events: number; cpuUsPerEvent: number; cores: number }[];
  cloudCores: number;
  postgresCores: number;
  postgresUsPerEvent: number;
  brokerCores: number;
  messagesPerBatch: number;
  messages: number;
  duplicates: number;
  /** Documents the sequence gates held past a gap, and of those released by the time bound. */
  held: number;
  expired: number;
}

/** Removes the workers' persistent sessions so the broker stops queueing for a group no one consumes. */
async function dropSessions(url: string, clientIds: readonly string[]): Promise<void> {
  for (const clientId of clientIds) {
    const client = await mqtt.connectAsync(url, {
      clientId,
      clean: true,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 0 },
    });
    await client.endAsync();
  }
}

async function startWorkers(count: number, start: Omit<WorkerStart, 'clientId'>): Promise<CloudProcess[]> {
  const workers = Array.from({ length: count }, () => new CloudProcess());
  const begin = (worker: CloudProcess, index: number) =>
    worker.request({ ...start, clientId: `${start.sharedGroup}-${index}` }, 'started', 60_000);
  // The first creates the schema; the others open it.
  await begin(workers[0] as CloudProcess, 0);
  await Promise.all(workers.slice(1).map((worker, index) => begin(worker, index + 1)));
  return workers;
}

interface Context {
  options: BenchOptions;
  load: LoadSide;
  mosquitto: RunningMosquitto;
  postgres: RunningPostgres;
  postmasterPid: number | undefined;
  brokerPid: number | undefined;
}

async function measure(context: Context, consumers: number): Promise<ScaleRow> {
  const { options, load, mosquitto, postgres } = context;
  const sharedGroup = `bench-${consumers}-${Date.now()}`;
  const storeUrl = await postgres.createDatabase(sharedGroup.replaceAll('-', '_'));
  const workers = await startWorkers(consumers, {
    type: 'start',
    mqttUrl: mosquitto.url,
    storeUrl,
    sharedGroup,
    poolSize: 4,
    reorderHoldMs: options.reorderHoldMs,
  });
  try {
    for (const worker of workers) worker.send({ type: 'mark' });
    let settled = 0;
    const poll = setInterval(() => {
      settled = workers.reduce((sum, worker) => sum + (worker.latest?.eventsSettled ?? 0), 0);
      for (const worker of workers) worker.send({ type: 'stats' });
    }, 100);
    const postgresBefore = treeCpuMs(context.postmasterPid);
    const brokerBefore = treeCpuMs(context.brokerPid);
    const workload = { kind: 'burst', total: options.events, items: 1, indexOffset: 0 } as const;
    const timed = await timedRun(options, load, mosquitto.url, workload, () => settled >= options.events).finally(() =>
      clearInterval(poll),
    );
    const postgresMs = treeCpuMs(context.postmasterPid) - postgresBefore;
    const brokerMs = treeCpuMs(context.brokerPid) - brokerBefore;
    const stats = await Promise.all(workers.map((worker) => worker.stats()));
    return rowOf(consumers, timed, stats, { postgresMs, brokerMs });
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await dropSessions(
      mosquitto.url,
      workers.map((_, index) => `${sharedGroup}-${index}`),
    ).catch(() => undefined);
  }
}

function rowOf(
  consumers: number,
  timed: Awaited<ReturnType<typeof timedRun>>,
  stats: readonly WorkerStats[],
  other: { postgresMs: number; brokerMs: number },
): ScaleRow {
  const events = stats.reduce((sum, each) => sum + each.eventsSettled, 0);
  const cloudMs = stats.reduce((sum, each) => sum + each.cpuMs, 0);
  const batches = stats.reduce((sum, each) => sum + each.batches, 0);
  return {
    consumers,
    rate: {
      eventsPerSecond: events / timed.seconds,
      cpuUsPerEvent: (cloudMs * 1_000) / events,
      loadCores: timed.loadCpuMs / 1_000 / timed.seconds,
    },
    processes: stats.map((each) => ({
      events: each.eventsSettled,
      cpuUsPerEvent: each.eventsSettled > 0 ? (each.cpuMs * 1_000) / each.eventsSettled : NaN,
      cores: each.cpuMs / 1_000 / timed.seconds,
    })),
    cloudCores: cloudMs / 1_000 / timed.seconds,
    postgresCores: other.postgresMs / 1_000 / timed.seconds,
    postgresUsPerEvent: (other.postgresMs * 1_000) / events,
    brokerCores: other.brokerMs / 1_000 / timed.seconds,
    messagesPerBatch: batches > 0 ? stats.reduce((sum, each) => sum + each.messages, 0) / batches : 0,
    messages: stats.reduce((sum, each) => sum + each.messages, 0),
    duplicates: stats.reduce((sum, each) => sum + each.eventsDuplicate, 0),
    held: stats.reduce((sum, each) => sum + each.held, 0),
    expired: stats.reduce((sum, each) => sum + each.expired, 0),
  };
}

function printRow(row: ScaleRow, baseline: ScaleRow | undefined, transport: Rate): void {
  const ratio = baseline ? row.rate.eventsPerSecond / baseline.rate.eventsPerSecond : 1;
  const used = row.cloudCores + row.postgresCores + row.brokerCores + row.rate.loadCores;
  process.stdout.write(
    `${String(row.consumers).padStart(2)} cloud process(es): ${fmt(row.rate.eventsPerSecond).padStart(6)} ev/s, ` +
      `${fmt(ratio, 2)}× of ${baseline?.consumers ?? row.consumers}, ${fmt(row.rate.eventsPerSecond / transport.eventsPerSecond, 3)} of transport; ` +
      `cloud ${fmt(row.rate.cpuUsPerEvent)} µs/event (${fmt(row.cloudCores, 2)} cores: ` +
      `${row.processes.map((each) => `${fmt(each.cores, 2)} @ ${fmt(each.cpuUsPerEvent)} µs × ${each.events}`).join(', ')}), ` +
      `PostgreSQL ${fmt(row.postgresUsPerEvent)} µs/event (${fmt(row.postgresCores, 2)} cores), ` +
      `Mosquitto ${fmt(row.brokerCores, 2)} cores, load side ${fmt(row.rate.loadCores, 2)} cores; ` +
      `all ${fmt(used, 2)} of ${availableParallelism()} cores; ${fmt(row.messagesPerBatch)} of ${row.messages} messages per group commit, ` +
      `${row.duplicates} duplicates; ${row.held} documents held by the sequence gates (${row.expired} until the time bound)\n`,
  );
}

/** The scale-out table: the transport baseline, then each consumer count on a fresh database. */
export async function benchScaleOut(
  options: BenchOptions,
  load: LoadSide,
  mosquitto: RunningMosquitto,
  postgres: RunningPostgres,
): Promise<void> {
  const context: Context = {
    options,
    load,
    mosquitto,
    postgres,
    postmasterPid: findProcess((line) => /postgres .*-p /.test(line) && line.includes(` -p ${postgres.port} `)),
    brokerPid: findProcess((line) => line.startsWith('mosquitto ') && line.includes(mosquitto.directory)),
  };
  const transport = await transportRate(options, load, mosquitto.url, 1);
  process.stdout.write(
    `transport (plain QoS 1 subscriber, same broker): ${fmt(transport.eventsPerSecond)} ev/s, ` +
      `${fmt(transport.cpuUsPerEvent)} µs/event, load side ${fmt(transport.loadCores, 2)} cores\n`,
  );
  let baseline: ScaleRow | undefined;
  for (const consumers of options.consumers) {
    const row = await measure(context, consumers);
    printRow(row, baseline, transport);
    baseline ??= row;
  }
}
