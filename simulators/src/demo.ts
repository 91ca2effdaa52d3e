#!/usr/bin/env node
/**
 * `npm start`: the whole system on one machine, in one process.
 *   embedded aedes broker (auth + ACL) ← gateway daemon (simulated dock door) → cloud consumer → SQLite ledger → HTTP API
 * Everything is the production code; only the reader is simulated. Ctrl-C stops it cleanly.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/src/clock.js';
import { StockwireError, errorMessage } from '../../shared/src/errors.js';
import { createLogger, type Logger } from '../../shared/src/log.js';
import { isMainModule } from '../../shared/src/main-module.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { loadCloudConfig, type CloudConfig } from '../../cloud/src/config.js';
import type { PositionChange } from '../../cloud/src/events.js';
import { configDirOf, startCloudService, type CloudService } from '../../cloud/src/service.js';
import { loadGatewayConfig, type GatewayConfig } from '../../gateway/src/config.js';
import { createGatewayDaemon, type GatewayDaemon } from '../../gateway/src/daemon.js';
import { createNotifier } from '../../gateway/src/systemd/notify.js';
import { startStoreOperations } from './store/operations.js';
import { startDemoLlrpReaders } from './demo-readers.js';
import { DemoSupplier } from './demo-supplier.js';
import { loadScenarioFile } from './scenario/load.js';
import { runAccuracyPipeline } from './accuracy/pipeline.js';
import { simulatedGatewayParts } from './readers/simulated-gateway-reader.js';

const HELP = `npm start [-- options]   (or: node dist/simulators/src/demo.js [options])

Runs the stockwire demo on 127.0.0.1: an embedded MQTT broker, the cloud ledger (SQLite) with its
HTTP API, and a gateway whose simulated dock door receives a pallet of 12 cases every few seconds.

Options:
  --mqtt-port <n>   broker port (default 1883; 0 picks a free one)
  --http-port <n>   HTTP API port (default 8080; 0 picks a free one)
  --llrp-port <n>   port of the simulated LLRP dock-door reader (default 5084; 0 picks a free one)
  --data-dir <dir>  ledger and outbox files (default var/demo, wiped at start unless --keep)
  --keep            keep the ledger from the previous run
  --quiet           no per-pallet lines (logs only)
  -h, --help`;

/** Package root: two levels above simulators/src (or dist/simulators/src). */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidate = resolve(here, '..', '..');
  return candidate.endsWith(`${'/'}dist`) ? resolve(candidate, '..') : candidate;
}

export interface DemoOptions {
  mqttPort: number;
  httpPort: number;
  /** The simulated LLRP dock-door reader's port (default 0: a free one). */
  llrpPort?: number;
  dataDir: string;
  keep: boolean;
  logger: Logger;
  /** Called once per applied movement batch with a human-readable line. */
  onLine?: (line: string) => void;
}

export interface RunningDemo {
  broker: EmbeddedBroker;
  cloud: CloudService;
  gateway: GatewayDaemon;
  mqttUrl: string;
  /** Stops the backroom clerk and the shoppers at the till (the rest keeps running). */
  stopStoreOperations(): Promise<void>;
  stop(): Promise<void>;
}

const DEMO_USERS = {
  cloud: { username: 'cloud', password: 'cloud-demo-password' },
  till: { username: 'till-1', password: 'till-1-demo-password' },
} as const;

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const root = packageRoot();
  const demoConfigDir = join(root, 'config', 'demo');
  const { logger } = options;
  if (!options.keep) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });

  const gatewayFile = join(demoConfigDir, 'gateway.yaml');
  const baseGatewayConfig = loadGatewayConfig(gatewayFile);
  const baseCloudConfig = loadCloudConfig(join(demoConfigDir, 'cloud.yaml'));

  const broker = await startDemoBroker(options.mqttPort, baseGatewayConfig, logger);
  const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  const stops: (() => Promise<void>)[] = [() => broker.close()];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        logger.warn({ err: errorMessage(error) }, 'error while stopping the demo');
      }
    }
  };
  try {
    const cloudConfig: CloudConfig = {
      ...baseCloudConfig,
      store: { kind: 'sqlite', path: join(options.dataDir, 'ledger.sqlite') },
      mqtt: { ...baseCloudConfig.mqtt, url: mqttUrl },
      http: { ...baseCloudConfig.http, port: options.httpPort },
    };
    const cloud = await startCloudService(cloudConfig, {
      configDir: configDirOf(join(demoConfigDir, 'cloud.yaml')),
      logger: logger.child({ part: 'cloud' }),
      clock: systemClock,
    });
    stops.push(() => cloud.stop());
    if (options.onLine) watchMovements(cloud, options.onLine);

    const accuracy = attachReplayAccuracy(cloud, root, logger);
    stops.push(() => accuracy);
    const supplier = await startDemoSupplier(cloud, cloudConfig, root, logger);
    stops.push(async () => supplier.stop());

    const gateway = await startDemoGateway(
      baseGatewayConfig,
      { mqttUrl, dataDir: options.dataDir, configDir: demoConfigDir, root, llrpPort: options.llrpPort ?? 0 },
      logger,
      stops,
    );
    const stopStoreOperations = await startStoreOperations({
      cloudUrl: cloud.httpUrl,
      token: cloudConfig.http.tokens[0]?.token ?? '',
      mqttUrl,
      site: baseGatewayConfig.siteId,
      till: { id: DEMO_USERS.till.username, ...DEMO_USERS.till },
      unpack: true,
      logger,
      ...(options.onLine ? { onLine: options.onLine } : {}),
    });
    stops.push(stopStoreOperations);
    return { broker, cloud, gateway, mqttUrl, stopStoreOperations, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The embedded broker with the demo's users: the cloud, the dock gateway and one till. */
function startDemoBroker(
  port: number,
  gatewayConfig: Readonly<GatewayConfig>,
  logger: Logger,
): Promise<EmbeddedBroker> {
  return startEmbeddedBroker({
    host: '127.0.0.1',
    port,
    logger: logger.child({ part: 'broker' }),
    users: [
      { ...DEMO_USERS.cloud, role: 'cloud' },
      {
        username: gatewayConfig.mqtt.username ?? gatewayConfig.gatewayId,
        password: gatewayConfig.mqtt.password ?? '',
        role: 'gateway',
        siteId: gatewayConfig.siteId,
        gatewayId: gatewayConfig.gatewayId,
      },
      { ...DEMO_USERS.till, role: 'till', siteId: gatewayConfig.siteId, tillId: DEMO_USERS.till.username },
    ],
  });
}

/** The dock door runs over LLRP: its reader simulator listens before the gateway daemon connects to it. */
async function startDemoGateway(
  baseGatewayConfig: Readonly<GatewayConfig>,
  run: { mqttUrl: string; dataDir: string; configDir: string; root: string; llrpPort: number },
  logger: Logger,
  stops: (() => Promise<void>)[],
): Promise<GatewayDaemon> {
  const llrpReaders = await startDemoLlrpReaders(
    demoGatewayConfig(baseGatewayConfig, { mqttUrl: run.mqttUrl, dataDir: run.dataDir, configDir: run.configDir }),
    { clock: systemClock, scenarioDir: join(run.root, 'simulators', 'scenarios'), firstPort: run.llrpPort },
  );
  stops.push(() => llrpReaders.stop());
  const gateway = createGatewayDaemon({
    config: llrpReaders.config,
    parts: await simulatedGatewayParts(),
    clock: systemClock,
    logger: logger.child({ part: 'gateway' }),
    notifier: createNotifier({ logger, environment: {} }),
  });
  stops.push(() => gateway.stop('demo stopping'));
  await gateway.start();
  return gateway;
}

/**
 * The dashboard's accuracy tile needs a truth: the live demo's doors and shelves record none, so the demo
 * replays store-accuracy (its reads through the real gateway engine, its documents and tills through the
 * real cloud code into a ledger of its own, about a second) and attaches that measurement (docs/accuracy.md).
 */
async function attachReplayAccuracy(cloud: CloudService, root: string, logger: Logger): Promise<void> {
  try {
    const scenario = loadScenarioFile(join(root, 'simulators', 'scenarios', 'store-accuracy.yaml'));
    const result = await runAccuracyPipeline(scenario, { startEpochMs: Date.parse('2026-03-02T08:00:00.000Z') });
    cloud.accuracy.attach(result.report, `replay of ${scenario.name}, seed ${scenario.seed}, truth attached`);
  } catch (error) {
    logger.warn({ err: errorMessage(error) }, 'demo: the accuracy replay failed; the dashboard shows no accuracy tile');
  }
}

/** PO prices of the dock-door scenario's products: a little under their standard cost. */
const DEMO_PO_PRICES = { '10614141000019': '9.10', '10614141000026': '4.00', '10614141000033': '11.90' } as const;

/** The simulated supplier: the PO, then the ASN of each truck before it reaches door 3 (docs/receiving.md). */
async function startDemoSupplier(
  cloud: CloudService,
  cloudConfig: CloudConfig,
  root: string,
  logger: Logger,
): Promise<DemoSupplier> {
  const token = cloudConfig.http.tokens.find((entry) => entry.scopes.includes('write'))?.token;
  if (token === undefined) throw new Error('the demo cloud config has no write token for the supplier');
  const supplier = new DemoSupplier(
    {
      apiUrl: cloud.httpUrl,
      token,
      scenario: loadScenarioFile(join(root, 'simulators', 'scenarios', 'dock-door-demo.yaml')),
      site: 'store-1',
      lookaheadLoops: 3,
      shortEveryLoops: 3,
      unexpectedEveryLoops: 2,
      invoiceEveryLoops: 4,
    },
    { clock: systemClock, logger: logger.child({ part: 'supplier' }) },
  );
  await supplier.start(DEMO_PO_PRICES);
  return supplier;
}

/** The demo's gateway config with the run's broker URL, data dir and absolute scenario paths. */
function demoGatewayConfig(
  base: Readonly<GatewayConfig>,
  overrides: { mqttUrl: string; dataDir: string; configDir: string },
): GatewayConfig {
  return {
    ...base,
    readers: base.readers.map((reader) =>
      reader.protocol === 'simulated' && typeof reader.scenario === 'string'
        ? { ...reader, scenario: resolve(overrides.configDir, reader.scenario) }
        : reader,
    ),
    mqtt: { ...base.mqtt, url: overrides.mqttUrl },
    outbox: { ...base.outbox, path: join(overrides.dataDir, 'gateway-outbox.sqlite') },
  };
}

/** One line per applied transaction: what moved where, and the new totals there. */
function watchMovements(cloud: CloudService, onLine: (line: string) => void): void {
  const place = (location: string) => location.replace('urn:stockwire:loc:', '');
  cloud.events.on('positionsChanged', (changes: PositionChange[]) => {
    const byTransaction = new Map<string, PositionChange[]>();
    for (const change of changes)
      byTransaction.set(change.transactionId, [...(byTransaction.get(change.transactionId) ?? []), change]);
    for (const group of byTransaction.values()) onLine(describeTransaction(group, place));
  });
}

export function describeTransaction(group: readonly PositionChange[], place: (location: string) => string): string {
  const first = group[0]!;
  const time = first.time.slice(11, 19);
  const outgoing = group.filter((change) => change.qtyDelta.startsWith('-'));
  const incoming = group.filter((change) => !change.qtyDelta.startsWith('-'));
  const sum = (changes: readonly PositionChange[]) =>
    changes.reduce((total, change) => total + Math.abs(Number(change.qtyDelta)), 0);
  const detail = (changes: readonly PositionChange[]) =>
    changes
      .map(
        (change) =>
          `${change.product} ${change.qtyDelta.startsWith('-') ? '' : '+'}${change.qtyDelta} → ${change.qtyAfter}`,
      )
      .join(', ');
  if (first.kind.startsWith('unpack')) return `${time}  unpacked at ${place(first.location)}  [${detail(group)}]`;
  if (outgoing.length > 0 && incoming.length > 0 && first.kind.startsWith('transfer')) {
    // Display only: Number() is fine for a count of items in a log line.
    return `${time}  moved ${sum(incoming)} item(s) ${place(outgoing[0]!.location)} → ${place(incoming[0]!.location)}  [${detail(group)}]`;
  }
  const signed = group.reduce((total, change) => total + Number(change.qtyDelta), 0);
  return `${time}  ${first.kind} at ${place(first.location)}: ${signed >= 0 ? '+' : ''}${signed} item(s)  [${detail(group)}]`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'mqtt-port': { type: 'string', default: '1883' },
      'http-port': { type: 'string', default: '8080' },
      'llrp-port': { type: 'string', default: '5084' },
      'data-dir': { type: 'string', default: join(packageRoot(), 'var', 'demo') },
      keep: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // The demo is for people: component logs at warn unless LOG_LEVEL says otherwise.
  const logger = createLogger('stockwire-demo', process.env['LOG_LEVEL'] ?? 'warn');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const demo = await startDemo({
    mqttPort: Number(values['mqtt-port']),
    httpPort: Number(values['http-port']),
    llrpPort: Number(values['llrp-port']),
    dataDir: resolve(values['data-dir']),
    keep: values.keep,
    logger,
    ...(values.quiet ? {} : { onLine: say }),
  });
  say(`stockwire demo running (Ctrl-C to stop)
  MQTT broker   ${demo.mqttUrl}   (users: cloud, dock-gw-1, till-1; see config/demo/)
  stock (JSON)  ${demo.cloud.httpUrl}/stock
  dashboard     ${demo.cloud.httpUrl}/dashboard
  API docs      ${demo.cloud.httpUrl}/openapi.json
A pallet of 12 cases crosses dock door 3 every few seconds; the backroom opens cases, shelf B2 is stocked
from them, shoppers pay at till-1 (COGS and margin move) and some walk out (Shrinkage at the floor count).
Each movement is printed below.`);
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  say('stopping…');
  await demo.stop();
  say('stopped cleanly.');
  return 0;
}

if (isMainModule(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof StockwireError) process.stderr.write(`${error.code}: ${error.message}\n`);
      else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        process.stderr.write(
          `port in use: ${errorMessage(error)} (pick others with --mqtt-port / --http-port / --llrp-port)\n`,
        );
      else process.stderr.write(`demo failed: ${errorMessage(error)}\n`);
      process.exit(1);
    },
  );
}
