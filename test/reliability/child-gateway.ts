import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts the reliability tests' child gateway (fixtures/gateway-child.ts) as a
 * real process. The entry is bundled once per test file with esbuild (already
 * installed, as tsx's transformer) so a restart costs a plain `node` start of one
 * file (≈ 0.5 s here), not a TypeScript transform of the whole tree (≈ 1.3 s):
 * the crash test restarts it 50+ times. The bundle lives under node_modules/.cache so its package imports
 * resolve; without esbuild it falls back to `node --import tsx`.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const entry = join(here, 'fixtures', 'gateway-child.ts');

export interface ChildEntry {
  command: string[];
  cleanup(): void;
}

export async function prepareChildEntry(): Promise<ChildEntry> {
  const outDirectory = join(repoRoot, 'node_modules', '.cache', 'stockwire-reliability');
  const outfile = join(outDirectory, `gateway-child-${process.pid}-${Date.now()}.mjs`);
  try {
    const esbuild = await import('esbuild');
    mkdirSync(outDirectory, { recursive: true });
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      // Pure-JS packages are bundled too (one file loads ~30 % faster than hundreds of modules);
      // native addons and pino (it resolves worker files at run time) load from node_modules.
      external: ['better-sqlite3', 'sd-notify', 'pino', 'thread-stream'],
      // Bundled CommonJS packages call require(); ESM output needs one.
      banner: {
        js: "import { createRequire as __stockwireCreateRequire } from 'node:module'; const require = __stockwireCreateRequire(import.meta.url);",
      },
      outfile,
      logLevel: 'warning',
    });
    return { command: [process.execPath, outfile], cleanup: () => rmSync(outfile, { force: true }) };
  } catch {
    return { command: [process.execPath, '--import', 'tsx', entry], cleanup: () => undefined };
  }
}

export interface RunningGateway {
  child: ChildProcess;
  /** Resolves when the daemon logs "gateway ready" (READY=1 was sent). */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function spawnGateway(
  childEntry: ChildEntry,
  options: { configFile: string; total: number; perTick: number; env?: NodeJS.ProcessEnv },
): RunningGateway {
  const [command, ...args] = childEntry.command;
  if (command === undefined) throw new Error('invariant violated: empty child command');
  const child = spawn(command, [...args, options.configFile, String(options.total), String(options.perTick)], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Keep only the tail: a long-lived child logs a lot.
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    const onData = (chunk: Buffer) => {
      append(chunk);
      if (output.includes('"msg":"gateway ready"')) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', append);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', () => rejectReady(new Error(`gateway exited before ready:\n${output}`)));
  });
  ready.catch(() => undefined);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  return { child, ready, exited, output: () => output };
}
