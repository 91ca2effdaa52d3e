import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { holdsWithin } from '../../../test/support/wait.js';
import type { WorkerCommand, WorkerReply, WorkerStats } from './cloud-worker.js';

/**
 * One cloud process of a shared group, seen from its parent (the scale-out benchmark, the shared-consumer
 * tests): forks e2e/cloud-worker.ts; requests are answered in order.
 */
export class CloudProcess {
  private readonly child: ChildProcess;
  private readonly replies: WorkerReply[] = [];
  latest: WorkerStats | undefined;

  constructor() {
    this.child = fork(join(import.meta.dirname, 'cloud-worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: WorkerReply) => {
      if (message.type === 'stats') this.latest = message;
      else this.replies.push(message);
    });
    this.child.on('exit', () => this.replies.push({ type: 'failed', reason: 'cloud process exited' }));
  }

  send(command: WorkerCommand): void {
    if (this.child.connected) this.child.send(command);
  }

  async request(command: WorkerCommand, expected: WorkerReply['type'], timeoutMs: number): Promise<void> {
    this.send(command);
    if (!(await holdsWithin(() => this.replies.length > 0, timeoutMs)))
      throw new Error(`cloud process: no ${expected}`);
    const reply = this.replies.shift() as WorkerReply;
    if (reply.type !== expected)
      throw new Error(`cloud process: ${reply.type === 'failed' ? reply.reason : reply.type}`);
  }

  /** Fresh counters (asks, then waits for the answer). */
  async stats(timeoutMs = 10_000): Promise<WorkerStats> {
    this.latest = undefined;
    this.send({ type: 'stats' });
    if (!(await holdsWithin(() => this.latest !== undefined, timeoutMs))) throw new Error('cloud process: no stats');
    return this.latest as unknown as WorkerStats;
  }

  /** kill -9: a power loss of this cloud node. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.request({ type: 'stop' }, 'stopped', 30_000).catch(() => undefined);
    this.child.kill('SIGKILL');
  }
}
