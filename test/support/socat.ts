import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPtyPair, type PtyPair } from '../../simulators/src/pty.js';

/**
 * Test helper: a socat pty pair in a throw-away directory. `restart()` kills socat
 * and starts a new pair on the same link paths (an unplug/replug), `cleanup()`
 * stops it and removes the directory. Always call cleanup in afterAll.
 */
export interface SocatFixture {
  hostPath: string;
  readerPath: string;
  pair(): PtyPair;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startSocat(prefix = 'stockwire-pty-'): Promise<SocatFixture> {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const hostPath = join(directory, 'host');
  const readerPath = join(directory, 'reader');
  let current: PtyPair | null = await startPtyPair(hostPath, readerPath);
  return {
    hostPath,
    readerPath,
    pair: () => {
      if (!current) throw new Error('socat is unplugged');
      return current;
    },
    async unplug() {
      await current?.stop();
      current = null;
    },
    async replug() {
      current = await startPtyPair(hostPath, readerPath);
    },
    async cleanup() {
      await current?.stop();
      current = null;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
