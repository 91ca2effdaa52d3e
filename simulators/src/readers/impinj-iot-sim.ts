import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basicAuthorization } from '../../../shared/src/basic-auth.js';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { NO_BEAMS, type BeamSource } from './beam-source.js';
import type { FieldRead, ReadSource } from './read-source.js';

/**
 * A simulated Impinj R700 speaking the IoT Device Interface: the REST endpoints the
 * gateway uses (`GET /api/v1/data/stream`, preset start, profiles stop, status) and,
 * optionally, a webhook poster. Events are the vendor's JSON shape: `tagInventory`
 * with base64url `epc` (and `epcHex` when enabled), `peakRssiCdbm` in dBm×100, and
 * `gpiTransition` for the photo-eye beams. While the scenario unplugs the reader the
 * server drops every stream and refuses connections, as a rebooting reader does.
 */
export interface ImpinjIotSimulatorOptions {
  source: ReadSource;
  beams?: BeamSource;
  clock: Clock;
  /** 0 = ephemeral. */
  port: number;
  host?: string;
  hostname?: string;
  /** Tag events are produced every this often (one inventory slice). */
  eventIntervalMs?: number;
  /** Empty keep-alive line on idle streams (the R700 sends one about every 30 s). */
  keepAliveIntervalMs?: number;
  /** Include `epcHex` besides base64url `epc` (off by default on the reader). */
  epcHex?: boolean;
  /** Inventory runs from the start (as a reader with an auto-start preset); false waits for a preset start. */
  autoStart?: boolean;
  /** Webhook transport: also POST each batch of events (JSON array) to this URL. */
  webhookUrl?: string;
  /** HTTP Basic credentials sent with webhook POSTs. */
  webhookAuth?: { username: string; password: string };
}

export interface ImpinjIotSimulator {
  port: number;
  baseUrl: string;
  /** Preset starts and stops seen (tests check the REST calls). */
  presetCalls: string[];
  /** Stream clients currently attached. */
  streamClients(): number;
  close(): Promise<void>;
}

const DEFAULT_EVENT_INTERVAL_MS = 100;
const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 30_000;

export function impinjTagEvent(read: FieldRead, timestamp: string, hostname: string, epcHex: boolean): object {
  const epcBytes = Buffer.from(read.epc, 'hex');
  return {
    timestamp,
    hostname,
    eventType: 'tagInventory',
    tagInventoryEvent: {
      epc: epcBytes.toString('base64url'),
      ...(epcHex ? { epcHex: read.epc.toUpperCase() } : {}),
      antennaPort: read.antenna,
      antennaName: `Antenna ${read.antenna}`,
      peakRssiCdbm: Math.round(read.rssiDbm * 100),
      frequency: 915_250,
      transmitPowerCdbm: 3_000,
      lastSeenTime: timestamp,
    },
  };
}

export function impinjGpiEvent(port: number, state: boolean, timestamp: string, hostname: string): object {
  return {
    timestamp,
    hostname,
    eventType: 'gpiTransition',
    gpiTransitionEvent: { gpi: port, transition: state ? 'low-to-high' : 'high-to-low' },
  };
}

export async function startImpinjIotSimulator(options: ImpinjIotSimulatorOptions): Promise<ImpinjIotSimulator> {
  const clock = options.clock;
  const hostname = options.hostname ?? 'impinj-sim';
  const beams = options.beams ?? NO_BEAMS;
  const streams = new Set<ServerResponse>();
  const presetCalls: string[] = [];
  let running = options.autoStart ?? true;
  const server: Server = createServer((request, response) =>
    route(request, response, {
      streams,
      unplugged: () => options.source.isUnplugged(),
      setRunning: (value, call) => {
        running = value;
        presetCalls.push(call);
      },
      running: () => running,
    }),
  );
  const produce = (): void => {
    if (options.source.isUnplugged()) {
      for (const stream of streams) stream.destroy();
      streams.clear();
      options.source.take();
      beams.take();
      return;
    }
    const timestamp = new Date(clock.nowMs()).toISOString();
    const events: object[] = beams
      .take()
      .map((change) => impinjGpiEvent(change.port, change.state, timestamp, hostname));
    const reads = options.source.take();
    if (running)
      for (const read of reads) events.push(impinjTagEvent(read, timestamp, hostname, options.epcHex ?? false));
    if (events.length === 0) return;
    const text = events.map((event) => JSON.stringify(event)).join('\n') + '\n';
    for (const stream of streams) stream.write(text);
    if (options.webhookUrl) postWebhook(options.webhookUrl, events, options.webhookAuth);
  };
  const producer: TimerHandle = clock.setInterval(produce, options.eventIntervalMs ?? DEFAULT_EVENT_INTERVAL_MS);
  const keepAlive: TimerHandle = clock.setInterval(() => {
    for (const stream of streams) stream.write('\n');
  }, options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    port,
    baseUrl: `http://${options.host ?? '127.0.0.1'}:${port}`,
    presetCalls,
    streamClients: () => streams.size,
    close: () =>
      new Promise<void>((resolve) => {
        producer.cancel();
        keepAlive.cancel();
        for (const stream of streams) stream.destroy();
        streams.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface RouteContext {
  streams: Set<ServerResponse>;
  unplugged(): boolean;
  running(): boolean;
  setRunning(running: boolean, call: string): void;
}

function route(request: IncomingMessage, response: ServerResponse, context: RouteContext): void {
  request.resume();
  if (context.unplugged()) {
    response.destroy();
    return;
  }
  const path = new URL(request.url ?? '/', 'http://sim').pathname;
  const preset = /^\/api\/v1\/profiles\/inventory\/presets\/([^/]+)\/start$/.exec(path);
  if (request.method === 'GET' && path === '/api/v1/data/stream') {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.flushHeaders();
    context.streams.add(response);
    response.on('close', () => context.streams.delete(response));
  } else if (request.method === 'POST' && preset) {
    context.setRunning(true, `start ${decodeURIComponent(preset[1] ?? '')}`);
    response.writeHead(204).end();
  } else if (request.method === 'POST' && path === '/api/v1/profiles/stop') {
    context.setRunning(false, 'stop');
    response.writeHead(204).end();
  } else if (request.method === 'GET' && path === '/api/v1/status') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: context.running() ? 'running' : 'idle' }));
  } else {
    response.writeHead(404).end();
  }
}

/** Fire and forget, as the reader does (it retries later; the simulator does not need to). */
function postWebhook(url: string, events: object[], auth?: { username: string; password: string }): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers['authorization'] = basicAuthorization(auth.username, auth.password);
  fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(events),
    signal: AbortSignal.timeout(5_000),
  })
    .then((response) => response.arrayBuffer())
    .catch(() => undefined);
}
