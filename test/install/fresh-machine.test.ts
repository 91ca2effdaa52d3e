import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.js';

/**
 * The front door on a fresh machine: a clean copy of HEAD (`git archive`) is installed with `npm ci` while
 * `/usr/include/systemd` is hidden under an empty tmpfs in a private mount namespace (`unshare -m`), as on a
 * machine without libsystemd-dev; then `npm start` serves `/stock` with movements in it.
 *
 * better-sqlite3 compiling from source takes minutes on a loaded 2-core machine (5 min 16 s measured here at
 * load 15) and has nothing to do with libsystemd, so by default its already compiled addon is offered to its
 * installer (prebuild-install) as a local prebuild; STOCKWIRE_FRESH_INSTALL_COMPILE=1 compiles it as a newcomer
 * would. The npm cache is used offline-first, so packages come from the CI install that ran before.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const INSTALL_TIMEOUT_MS = 8 * 60_000;
const DEMO_TIMEOUT_MS = 90_000;
const work = mkdtempSync(join(tmpdir(), 'stockwire-fresh-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `unshare` arguments that give a private mount namespace here (root: -m; otherwise a user namespace), or why not. */
function mountNamespace(): { prefix: string[] } | { reason: string } {
  if (!existsSync('/usr/include/systemd')) return { prefix: [] };
  const candidates = process.getuid?.() === 0 ? [['-m'], ['-rm']] : [['-rm']];
  for (const flags of candidates) {
    const prefix = ['unshare', ...flags, '--propagation', 'private'];
    const probe = spawnSync(prefix[0] ?? 'unshare', [...prefix.slice(1), 'true'], { stdio: 'ignore' });
    if (probe.status === 0) return { prefix };
  }
  return { reason: 'unshare cannot create a mount namespace here (no root, user namespaces disabled)' };
}

/** A directory holding better-sqlite3's compiled addon as the prebuild tarball its installer looks for. */
function localPrebuilds(): string {
  const directory = join(work, 'prebuilds');
  mkdirSync(directory, { recursive: true });
  const packageDirectory = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  const version = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const tar = spawnSync('tar', ['-czf', join(directory, name), 'build/Release/better_sqlite3.node'], {
    cwd: packageDirectory,
  });
  if (tar.status !== 0) throw new Error(`packing the better-sqlite3 prebuild failed: ${String(tar.stderr)}`);
  return directory;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-4_000)}`);
  return result.stdout;
}

const namespace = mountNamespace();
const gitCheckout = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot }).status === 0;
if ('reason' in namespace) console.warn(`fresh-machine install test skipped: ${namespace.reason}`);
if (!gitCheckout) console.warn('fresh-machine install test skipped: not a git checkout (nothing to archive)');

describe('a fresh machine without libsystemd-dev', () => {
  it.skipIf('reason' in namespace || !gitCheckout)(
    'installs a clean copy with npm ci, and npm start serves /stock',
    async () => {
      if ('reason' in namespace) return;
      const copy = join(work, 'stockwire');
      mkdirSync(copy);
      run('sh', ['-c', `git -C "${repoRoot}" archive HEAD | tar -x -C "${copy}"`], { cwd: work });
      const compile = process.env['STOCKWIRE_FRESH_INSTALL_COMPILE'] === '1';
      const hideHeaders = existsSync('/usr/include/systemd')
        ? 'mount -t tmpfs tmpfs /usr/include/systemd && test ! -e /usr/include/systemd/sd-daemon.h && '
        : '';
      const startedMs = Date.now();
      run(
        namespace.prefix[0] ?? 'sh',
        [
          ...namespace.prefix.slice(1),
          ...(namespace.prefix.length > 0 ? ['sh'] : []),
          '-c',
          `${hideHeaders}npm ci --prefer-offline --no-audit --no-fund`,
        ],
        {
          cwd: copy,
          env: compile ? {} : { npm_config_better_sqlite3_local_prebuilds: localPrebuilds() },
        },
      );
      const installMs = Date.now() - startedMs;
      console.log(
        `fresh npm ci (${compile ? 'better-sqlite3 compiled' : 'better-sqlite3 prebuild reused'}): ${installMs} ms`,
      );
      // The optional addon was skipped, not half-built; the notify path falls back to systemd-notify.
      expect(existsSync(join(copy, 'node_modules', 'sd-notify', 'build', 'Release'))).toBe(false);
      expect(existsSync(join(copy, 'dist', 'simulators', 'src', 'demo.js'))).toBe(true);

      const stock = await startDemoAndReadStock(copy);
      expect(stock.length).toBeGreaterThan(0);
    },
    INSTALL_TIMEOUT_MS + DEMO_TIMEOUT_MS,
  );
});

/** `npm start` on free ports; resolves with /stock's positions once the first pallet is booked. */
async function startDemoAndReadStock(copy: string): Promise<unknown[]> {
  const demo = spawn(
    'npm',
    ['start', '--', '--mqtt-port', '0', '--http-port', '0', '--data-dir', join(work, 'demo-data'), '--quiet'],
    { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    const stockUrl = await waitFor(
      () => /stock \(JSON\)\s+(http:\/\/127\.0\.0\.1:\d+\/stock)/.exec(output)?.[1],
      DEMO_TIMEOUT_MS,
      'the demo to print its /stock URL',
    );
    return await waitFor(
      async () => {
        const response = await fetch(stockUrl);
        const body = (await response.json()) as unknown;
        const positions = (body as { items?: unknown[] }).items;
        return positions !== undefined && positions.length > 0 ? positions : undefined;
      },
      DEMO_TIMEOUT_MS,
      'a booked movement in /stock',
    );
  } catch (error) {
    throw new Error(`${String(error)}\ndemo output:\n${output.slice(-4_000)}`);
  } finally {
    // npm starts node as its child: signal the whole group, then wait for it.
    const exited = new Promise((resolveExit) => demo.once('exit', resolveExit));
    if (demo.pid !== undefined) process.kill(-demo.pid, 'SIGINT');
    await exited;
  }
}
