import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './influx.js';

/**
 * A real Mosquitto 2 (Debian package) for interop tests, on 127.0.0.1 with
 * ephemeral ports, its config, persistence and secrets in a temp dir. Options
 * mirror deploy/mosquitto: password_file (made with mosquitto_passwd), acl_file,
 * and a TLS listener. `stop()` is a graceful SIGTERM (Mosquitto writes its
 * persistence file on the way out) and `start()` brings it back on the same
 * ports with the same persistence: a broker restart. `remove()` ends it for good.
 */
export interface MosquittoOptions {
  users?: readonly { username: string; password: string }[];
  /** An existing password_file (e.g. made by deploy/mosquitto/add-gateway.sh); `users` are added to it. */
  passwordFile?: string;
  /** Contents of the acl_file. */
  acl?: string;
  /** Adds a TLS listener; `requireCertificate` demands a client certificate signed by the CA. */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
  /** Extra lines appended to mosquitto.conf. */
  extraConfig?: readonly string[];
}

export interface RunningMosquitto {
  port: number;
  tlsPort: number | null;
  url: string;
  tlsUrl: string | null;
  directory: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** kill -9: a power loss; Mosquitto keeps only what its last autosave wrote. */
  kill(): Promise<void>;
  remove(): Promise<void>;
  output(): string;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<RunningMosquitto> {
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-mosquitto-'));
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : null;
  const lines = [
    // Stay the invoking user (tests may run as root; Mosquitto would switch to `mosquitto` and lose access to the temp dir).
    `user ${process.getuid?.() === 0 ? 'root' : (process.env['USER'] ?? 'nobody')}`,
    'per_listener_settings false',
    'persistence true',
    `persistence_location ${directory}/`,
    'autosave_interval 1',
    // The defaults drop a client's queue past 1,000 messages; keep these in step with deploy/mosquitto.
    'max_queued_messages 100000',
    'max_inflight_messages 100',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    `listener ${port} 127.0.0.1`,
  ];
  if (options.users?.length || options.passwordFile !== undefined) {
    const passwordFile = options.passwordFile ?? join(directory, 'passwords');
    if (options.passwordFile === undefined) writeFileSync(passwordFile, '');
    for (const user of options.users ?? [])
      execFileSync('mosquitto_passwd', ['-b', passwordFile, user.username, user.password], { stdio: 'ignore' });
    lines.push(`password_file ${passwordFile}`, 'allow_anonymous false');
  } else {
    lines.push('allow_anonymous true');
  }
  if (options.acl !== undefined) {
    const aclFile = join(directory, 'acl');
    writeFileSync(aclFile, options.acl);
    lines.push(`acl_file ${aclFile}`);
  }
  if (options.tls && tlsPort !== null) {
    lines.push(
      `listener ${tlsPort} 127.0.0.1`,
      `cafile ${options.tls.caFile}`,
      `certfile ${options.tls.certFile}`,
      `keyfile ${options.tls.keyFile}`,
      `require_certificate ${options.tls.requireCertificate ? 'true' : 'false'}`,
    );
  }
  lines.push(...(options.extraConfig ?? []));
  const configFile = join(directory, 'mosquitto.conf');
  writeFileSync(configFile, `${lines.join('\n')}\n`);

  let child: ChildProcess | null = null;
  let output = '';
  const start = async (): Promise<void> => {
    const started = spawn('mosquitto', ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-10_000);
    };
    started.stdout?.on('data', append);
    started.stderr?.on('data', append);
    const exitedEarly = new Promise<never>((_, reject) =>
      started.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}:\n${output}`))),
    );
    exitedEarly.catch(() => undefined);
    await Promise.race([waitForPort(port, START_TIMEOUT_MS), exitedEarly]);
    if (tlsPort !== null) await Promise.race([waitForPort(tlsPort, START_TIMEOUT_MS), exitedEarly]);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    port,
    tlsPort,
    url: `mqtt://127.0.0.1:${port}`,
    tlsUrl: tlsPort === null ? null : `mqtts://127.0.0.1:${tlsPort}`,
    directory,
    start,
    stop: () => stop(),
    kill: () => stop('SIGKILL'),
    async remove() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
    output: () => output,
  };
}
