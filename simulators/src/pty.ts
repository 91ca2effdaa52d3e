import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { makeError } from '../../shared/src/errors.js';
import { SimulatorErrors } from './errors.js';

/**
 * A pseudo-terminal pair made by socat: the gateway opens `hostPath` as if it were
 * /dev/ttyUSB0, the simulator opens `readerPath`. Killing socat is a faithful
 * "cable unplugged": both ends see the tty vanish.
 */
export interface PtyPair {
  hostPath: string;
  readerPath: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export const PTY_START_TIMEOUT_MS_DEFAULT = 5_000;

export async function startPtyPair(
  hostPath: string,
  readerPath: string,
  startTimeoutMs = PTY_START_TIMEOUT_MS_DEFAULT,
): Promise<PtyPair> {
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${readerPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4_000) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    // socat logs this line once both ptys exist and their links are in place.
    if (stderr.includes('starting data transfer loop') && existsSync(hostPath) && existsSync(readerPath)) break;
    const failed = await Promise.race([
      spawnError,
      exited.then(() => new Error(`socat exited: ${stderr.trim()}`)),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20)),
    ]);
    if (failed) throw makeError(SimulatorErrors.PTY_FAILED, { reason: failed.message }, failed);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw makeError(SimulatorErrors.PTY_FAILED, {
        reason: `no pty pair after ${startTimeoutMs} ms: ${stderr.trim()}`,
      });
    }
  }
  return {
    hostPath,
    readerPath,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
