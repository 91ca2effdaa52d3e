/** The parts of the end-to-end benchmark both its tables use: the load side, a timed run, the transport baseline. */
import { fork, type ChildProcess } from 'node:child_process';
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
