import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './influx.js';

/**
 * Starts a throw-away PostgreSQL (Debian's postgresql 15) for integration tests:
 * initdb in a fresh temp dir, owned by and run as user `postgres` (the server refuses
 * to run as root), listening on 127.0.0.1 on an ephemeral port with its unix socket in
 * the temp dir, fsync off (a test database need not survive a power cut).
 * `stop()` shuts it down (pg_ctl -m fast) and removes the dir.
 */
export interface RunningPostgres {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL (one per test keeps tests independent). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;
const pollIntervalMs = 100;

function binDirectory(): string {
  for (const version of ['17', '16', '15', '14', '13']) {
    const candidate = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(candidate, 'postgres'))) return candidate;
  }
  throw new Error(
    'PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin: install the postgresql package (scripts/provision.sh)',
  );
}

/** Runs as `postgres` when we are root; as ourselves otherwise. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** `durable: true` keeps fsync and synchronous commit on (benchmarks that compare commit costs). */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<RunningPostgres> {
  const bin = binDirectory();
  const dir = mkdtempSync(join(tmpdir(), 'stockwire-postgres-'));
  const dataDir = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const run = (command: string, args: string[]) => {
    const [file, argv] = asPostgres(join(bin, command), args);
    return execFileSync(file, argv, { stdio: 'pipe' }).toString();
  };
  try {
    run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? String(error)}`);
  }
  const [file, argv] = asPostgres(join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    '-c',
    'max_connections=60',
    '-c',
    'shared_buffers=128MB',
  ]);
  const child: ChildProcess = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    } catch {
      child.kill('SIGKILL');
    }
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  };

  const deadlineMs = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres exited with code ${child.exitCode}: ${output}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadlineMs) {
        await stop();
        throw new Error(`postgres did not accept connections within ${startTimeoutMs} ms: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  }

  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${name} must match [a-z_][a-z0-9_]*`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${port}/${name}`;
  };

  return { url, port, createDatabase, stop };
}
