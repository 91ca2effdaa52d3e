import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts a throw-away InfluxDB 1.x (`influxd`, Debian 1.6.7) for integration tests:
 * every directory under a fresh temp dir, HTTP and the RPC bind address (8088 by
 * default, which would collide between parallel suites) on loopback ephemeral ports,
 * usage reporting off. Resolves once `/ping` answers; `stop()` kills it and removes the dir.
 */
export interface RunningInflux {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;
const pingIntervalMs = 100;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function configText(dir: string, httpPort: number, rpcPort: number): string {
  return [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    '[coordinator]',
    '[retention]',
    '  enabled = true',
    '[monitor]',
    '  store-enabled = false',
    '[http]',
    '  enabled = true',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    '[continuous_queries]',
    '  enabled = true',
    '  log-enabled = false',
    '  run-interval = "1s"',
    '',
  ].join('\n');
}

async function waitForPing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadlineMs = Date.now() + startTimeoutMs;
  while (Date.now() < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`influxd exited with code ${child.exitCode}: ${output()}`);
    try {
      const response = await fetch(`${url}/ping`);
      if (response.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, pingIntervalMs));
  }
  throw new Error(`influxd did not answer /ping within ${startTimeoutMs} ms: ${output()}`);
}

/** `options.port` lets a test bring InfluxDB up on a port a client was already failing against. */
export async function startInflux(options: { port?: number } = {}): Promise<RunningInflux> {
  const dir = mkdtempSync(join(tmpdir(), 'stockwire-influx-'));
  const port = options.port ?? (await freePort());
  const rpcPort = await freePort();
  const configFile = join(dir, 'influxdb.conf');
  writeFileSync(configFile, configText(dir, port, rpcPort));
  const child = spawn('influxd', ['run', '-config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INFLUXDB_CONFIG_PATH: configFile },
  });
  let log = '';
  const keep = (chunk: Buffer): void => {
    // keep only the tail: enough to explain a failed start
    log = (log + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForPing(url, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killTimer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
