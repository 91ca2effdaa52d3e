/** The parts of the end-to-end benchmark both its tables use: the load side, a timed run, the transport baseline. */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { holdsWithin } from '../../../test/support/wait.js';
import type { BenchOptions } from './fleet.js';
import type { LoadCommand, LoadReply, Workload } from './load.js';

/** The child process with the gateways (and aedes); one request at a time. */
export class LoadSide {
  private readonly child: ChildProcess;
  private readonly replies: LoadReply[] = [];
  private wake: (() => void) | undefined;

  constructor() {
    this.child = fork(join(import.meta.dirname, 'load.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: LoadReply) => {
      this.replies.push(message);
      this.wake?.();
    });
    this.child.on('exit', () => {
      this.replies.push({ type: 'failed', reason: 'load process exited' });
      this.wake?.();
    });
  }

  send(command: LoadCommand): void {
    this.child.send(command);
  }

  async request<T extends LoadReply['type']>(
    command: LoadCommand,
    expected: T,
    timeoutMs: number,
  ): Promise<Extract<LoadReply, { type: T }>> {
    this.send(command);
    if (!(await holdsWithin(() => this.replies.length > 0, timeoutMs))) throw new Error(`load side: no ${expected}`);
    const reply = this.replies.shift() as LoadReply;
    if (reply.type !== expected) throw new Error(`load side: ${reply.type === 'failed' ? reply.reason : reply.type}`);
    return reply as Extract<LoadReply, { type: T }>;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ type: 'exit' });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export interface Timed {
  seconds: number;
  /** CPU time of this process (user + system) from go to done. */
  cpuMs: number;
  /** The same for the load side (gateways, and aedes when used). */
  loadCpuMs: number;
}

/** Runs the workload through a fresh fleet until `done()`; seconds and this process's CPU from go to done. */
export async function timedRun(
  options: BenchOptions,
  load: LoadSide,
  url: string,
  workload: Workload,
  done: () => boolean,
): Promise<Timed> {
  const bootMs = performance.now();
  await load.request(
    { type: 'run', url, gateways: options.gateways, sites: options.sites, workload },
    'ready',
    options.timeoutMs,
  );
  let measured: Omit<Timed, 'loadCpuMs'> | undefined;
  try {
    if (process.env.E2E_DEBUG)
      process.stderr.write(`fleet of ${options.gateways} up in ${(performance.now() - bootMs).toFixed(0)} ms\n`);
    const startedMs = performance.now();
    const cpuBefore = process.cpuUsage();
    load.send({ type: 'go' });
    if (!(await holdsWithin(done, options.timeoutMs))) throw new Error('timed out');
    const cpu = process.cpuUsage(cpuBefore);
    measured = { seconds: (performance.now() - startedMs) / 1_000, cpuMs: (cpu.user + cpu.system) / 1_000 };
  } finally {
    const stopped = await load.request({ type: 'stop' }, 'stopped', 60_000);
    if (measured) return { ...measured, loadCpuMs: stopped.cpuMs };
  }
  throw new Error('unreachable: the run either measured or threw');
}

export interface Rate {
  eventsPerSecond: number;
  /** This process's CPU per event, µs. */
  cpuUsPerEvent: number;
  /** Share of one core the load side used during the run (1 = saturated: it, not the cloud, set the pace). */
  loadCores: number;
}

export const rateOf = (events: number, timed: Timed): Rate => ({
  eventsPerSecond: events / timed.seconds,
  cpuUsPerEvent: (timed.cpuMs * 1_000) / events,
  loadCores: timed.loadCpuMs / 1_000 / timed.seconds,
});

/** The transport baseline: the same messages to a plain QoS 1 subscriber that parses and counts them. */
export async function transportRate(options: BenchOptions, load: LoadSide, url: string, items: number): Promise<Rate> {
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
    const workload: Workload = { kind: 'burst', total, items, indexOffset: 0 };
    const timed = await timedRun(options, load, url, workload, () => events >= total);
    return rateOf(events, timed);
  } finally {
    clearInterval(progress);
    await subscriber.endAsync();
  }
}

export const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface Percentiles {
  p50Ms: number;
  p99Ms: number;
  count: number;
}

/** A paced run's latencies over the whole run, and past its warm-up (the fleet's first seconds after go). */
export interface LatencySummary {
  all: Percentiles;
  steady: Percentiles;
}

/** Latencies of a paced run, each kept with its event's creation time so the warm-up can be told apart. */
export class LatencySample {
  private readonly createdMs: number[] = [];
  private readonly latenciesMs: number[] = [];

  add(createdMs: number, nowMs: number): void {
    this.createdMs.push(createdMs);
    this.latenciesMs.push(nowMs - createdMs);
  }

  get count(): number {
    return this.latenciesMs.length;
  }

  /** Debugging aid (`E2E_LATENCY_TRACE=file`): creation time, latency here and at `other` per event, by time. */
  write(path: string, other: LatencySample): void {
    const otherByCreated = new Map(other.createdMs.map((createdMs, index) => [createdMs, other.latenciesMs[index]]));
    const rows = this.createdMs.map(
      (createdMs, index) => `${createdMs} ${this.latenciesMs[index]} ${otherByCreated.get(createdMs) ?? ''}`,
    );
    writeFileSync(path, rows.sort().join('\n'));
  }

  summary(warmupMs: number): LatencySummary {
    const firstMs = Math.min(...this.createdMs);
    const steady = this.latenciesMs.filter((_, index) => (this.createdMs[index] as number) - firstMs >= warmupMs);
    return { all: percentiles(this.latenciesMs), steady: percentiles(steady) };
  }
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN;
  return { p50Ms: at(0.5), p99Ms: at(0.99), count: sorted.length };
}

/** A plain QoS 1 subscriber to the gateways' documents that records each event's latency on arrival. */
export async function plainLatencySubscriber(
  url: string,
): Promise<{ sample: LatencySample; end: () => Promise<void> }> {
  const subscriber = await mqtt.connectAsync(url, { clientId: `bench-plain-latency-${Date.now()}`, clean: true });
  const sample = new LatencySample();
  subscriber.on('message', (_topic, payload) => {
    const nowMs = Date.now();
    const document = JSON.parse(payload.toString()) as { epcisBody: { eventList: Array<{ eventTime: string }> } };
    for (const event of document.epcisBody.eventList) sample.add(Date.parse(event.eventTime), nowMs);
  });
  await subscriber.subscribeAsync('stockwire/v1/+/+/events', { qos: 1 });
  return { sample, end: () => subscriber.endAsync() };
}

/**
 * The latency baseline: the same paced workload through the same broker to a plain QoS 1 subscriber, from each
 * event's creation on the load side (its event time) to its arrival here. Whatever the cloud's latency adds to
 * this is the cloud's; what this shows is the gateways' outbox and publisher, the broker and the machine.
 */
export async function transportLatency(options: BenchOptions, load: LoadSide, url: string): Promise<LatencySummary> {
  const { sample, end } = await plainLatencySubscriber(url);
  try {
    const expected = options.gateways * options.latencySeconds;
    const workload: Workload = { kind: 'paced', seconds: options.latencySeconds };
    await timedRun(options, load, url, workload, () => sample.count >= expected);
    return sample.summary(options.warmupSeconds * 1_000);
  } finally {
    await end();
  }
}
