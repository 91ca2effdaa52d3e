import { mulberry32 } from '../../simulators/src/prng.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService } from '../../cloud/src/service.js';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';
import { prepareChildEntry, spawnGateway } from './child-gateway.js';
import { startRecorder, until } from './recorder.js';

/**
 * The kill -9 scenario shared by the crash test (50 kills) and `npm run soak`
 * (1,000): a child-process gateway produces movements 0…movements-1 into its
 * SQLite outbox and publishes them to a real broker; it is SIGKILLed at random
 * moments (a fifth of them during start-up or recovery) and restarted, then
 * allowed to finish and stopped with SIGTERM.
 */
export interface CrashScenario {
  kills: number;
  movements: number;
  seed: number;
  perTick?: number;
  /** Called every `progressEvery` kills. */
  progress?: (kill: number, distinct: number) => void;
  progressEvery?: number;
}

export interface CrashOutcome {
  kills: number;
  /** The real cloud ledger: receipts booked, units on hand at the backroom, invariants. */
  ledger: { entries: number; onHand: string; epcsInStock: number; invariantsOk: boolean; duplicatesSkipped: number };
  killsDuringStartup: number;
  movements: number;
  distinct: number;
  deliveries: number;
  duplicates: number;
  inOrder: boolean;
  outboxLeft: number;
  finalExit: { code: number | null; signal: NodeJS.Signals | null };
  elapsedMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runCrashScenario(scenario: CrashScenario): Promise<CrashOutcome> {
  const startedAtMs = Date.now();
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-crash-'));
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    users: [
      { username: 'gw-crash', password: 'crash-pw', role: 'gateway', siteId: 'store-1', gatewayId: 'gw-crash' },
      { username: 'cloud', password: 'cloud-pw', role: 'cloud' },
    ],
  });
  // The real cloud service (ledger in SQLite, dedupe by eventID, ack after commit)…
  const cloud = await startCloudService(
    CloudConfigSchema.parse({
      catalogFile: 'catalog.yaml',
      store: { kind: 'sqlite', path: join(directory, 'ledger.sqlite') },
      mqtt: {
        url: `mqtt://127.0.0.1:${broker.port}`,
        clientId: 'stockwire-cloud',
        username: 'cloud',
        password: 'cloud-pw',
      },
      http: { port: 0, publicRead: true },
    }),
    { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock },
  );
  // …and a recorder beside it that also sees arrival order and duplicate deliveries.
  const recorder = await startRecorder({
    url: `mqtt://127.0.0.1:${broker.port}`,
    databasePath: join(directory, 'recorder.sqlite'),
    clientOptions: { username: 'cloud', password: 'cloud-pw' },
  });
  const childEntry = await prepareChildEntry();
  try {
    const outboxPath = join(directory, 'outbox.sqlite');
    const configFile = join(directory, 'gateway.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        siteId: 'store-1',
        gatewayId: 'gw-crash',
        debounce: { tickIntervalMs: 20 },
        mqtt: {
          url: `mqtt://127.0.0.1:${broker.port}`,
          username: 'gw-crash',
          password: 'crash-pw',
          reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
          inflightMessagesMax: 8,
          eventsPerMessageMax: 20,
        },
        outbox: { path: outboxPath },
        statusIntervalMs: 1_000,
        shutdownDrainMs: 10_000,
      }),
    );
    // Seeded (mulberry32) so a failing run can be repeated.
    const random = mulberry32(scenario.seed).next;
    const perTick = scenario.perTick ?? 10;
    let killsDuringStartup = 0;
    for (let kill = 1; kill <= scenario.kills; kill += 1) {
      const gateway = spawnGateway(childEntry, { configFile, total: scenario.movements, perTick });
      if (random() < 0.2) {
        await sleep(random() * 300);
        killsDuringStartup += 1;
      } else {
        await gateway.ready;
        await sleep(20 + random() * 400);
      }
      gateway.child.kill('SIGKILL');
      await gateway.exited;
      if (scenario.progress && kill % (scenario.progressEvery ?? 50) === 0)
        scenario.progress(kill, recorder.distinctCount());
    }
    const last = spawnGateway(childEntry, { configFile, total: scenario.movements, perTick });
    await last.ready;
    await until(
      () => recorder.distinctCount() >= scenario.movements,
      120_000,
      `${scenario.movements} movements at the consumer`,
    );
    last.child.kill('SIGTERM');
    const finalExit = await last.exited;
    const indexes = recorder.indexes();
    const ledgerDeadline = Date.now() + 30_000;
    let stock = await cloud.store.stock();
    const onHandOf = (rows: typeof stock) => rows.filter((row) => row.location.endsWith(':backroom'));
    while (
      onHandOf(stock).reduce((sum, row) => sum + row.epcsInStock, 0) < scenario.movements &&
      Date.now() < ledgerDeadline
    ) {
      await sleep(100);
      stock = await cloud.store.stock();
    }
    const backroom = onHandOf(stock);
    let entries = 0;
    for (let after: number | null = 0; after !== null;) {
      const page = await cloud.store.entries({ after, limit: 1_000 });
      entries += page.items.length;
      after = page.nextAfter;
    }
    const consumerStats = cloud.consumer.stats();
    const ledger = {
      entries,
      onHand: backroom.map((row) => row.qty).join('+') || '0',
      epcsInStock: backroom.reduce((sum, row) => sum + row.epcsInStock, 0),
      invariantsOk: (await cloud.store.check()).ok,
      duplicatesSkipped: consumerStats.eventsDuplicate,
    };
    const outbox = new Database(outboxPath, { readonly: true });
    const outboxLeft = (outbox.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    outbox.close();
    return {
      ledger,
      kills: scenario.kills,
      killsDuringStartup,
      movements: scenario.movements,
      distinct: recorder.distinctCount(),
      deliveries: recorder.deliveries(),
      duplicates: recorder.duplicates(),
      inOrder: indexes.length === scenario.movements && indexes.every((value, index) => value === index),
      outboxLeft,
      finalExit,
      elapsedMs: Date.now() - startedAtMs,
    };
  } finally {
    await cloud.stop();
    await recorder.close();
    await broker.close();
    childEntry.cleanup();
    rmSync(directory, { recursive: true, force: true });
  }
}
