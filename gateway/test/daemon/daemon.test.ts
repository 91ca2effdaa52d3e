import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { systemClock } from '../../../shared/src/clock.js';
import { EpcisDocumentSchema } from '../../../shared/src/contracts/epcis.js';
import { GatewayStatusSchema, type GatewayStatus } from '../../../shared/src/contracts/status.js';
import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import { silentLogger } from '../../../shared/src/log.js';
import { GatewayConfigSchema, loadGatewayConfig, type GatewayConfig } from '../../src/config.js';
import { createGatewayDaemon } from '../../src/daemon.js';
import { createNotifier } from '../../src/systemd/notify.js';
import { startLoopbackBroker } from '../../../test/support/broker.js';
import { until } from '../../../test/support/wait.js';
import { FakeEngine, FakeReader } from './fakes.js';

const SITE = 'site-1';
const GATEWAY = 'gw-daemon';
const directory = mkdtempSync(join(tmpdir(), 'stockwire-daemon-'));
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startLoopbackBroker([
    { username: GATEWAY, password: 'pw', role: 'gateway', siteId: SITE, gatewayId: GATEWAY },
    { username: 'cloud', password: 'cloud-pw', role: 'cloud' },
  ]);
});
afterAll(async () => {
  await broker.close();
  rmSync(directory, { recursive: true, force: true });
});

function rawConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    siteId: SITE,
    gatewayId: GATEWAY,
    readers: [{ id: 'door-1', protocol: 'simulated', scenario: {} }],
    mqtt: { url: `mqtt://127.0.0.1:${broker.port}`, username: GATEWAY, password: 'pw' },
    outbox: { path: join(directory, `outbox-${Math.random()}.sqlite`) },
    debounce: { tickIntervalMs: 20 },
    statusIntervalMs: 200,
    ...overrides,
  };
}

async function cloudSubscriber() {
  const events: string[] = [];
  const statuses: GatewayStatus[] = [];
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
    clientId: `cloud-${Math.random()}`,
    username: 'cloud',
    password: 'cloud-pw',
  });
  client.on('message', (topic, payload) => {
    if (topic.endsWith('/status')) statuses.push(GatewayStatusSchema.parse(JSON.parse(payload.toString('utf8'))));
    else
      events.push(
        ...EpcisDocumentSchema.parse(JSON.parse(payload.toString('utf8'))).epcisBody.eventList.map(
          (event) => event.eventID,
        ),
      );
  });
  await client.subscribeAsync([gatewayTopic(SITE, GATEWAY, 'events'), gatewayTopic(SITE, GATEWAY, 'status')], {
    qos: 1,
  });
  return { events, statuses, close: () => client.endAsync() };
}

function harness(config: Readonly<GatewayConfig>, reloadConfig?: () => Readonly<GatewayConfig>) {
  const readers = new Map<string, FakeReader[]>();
  const engine = new FakeEngine(GATEWAY);
  const notifications: string[] = [];
  const notifier = createNotifier({
    logger: silentLogger(),
    environment: { NOTIFY_SOCKET: '/fake', WATCHDOG_USEC: '100000' },
    sender: (message) => notifications.push(message),
  });
  const daemon = createGatewayDaemon({
    config,
    clock: systemClock,
    logger: silentLogger(),
    notifier,
    ...(reloadConfig ? { reloadConfig } : {}),
    parts: {
      createEngine: () => engine,
      createReader: (readerConfig) => {
        const reader = new FakeReader(readerConfig.id, readerConfig);
        readers.set(readerConfig.id, [...(readers.get(readerConfig.id) ?? []), reader]);
        return reader;
      },
    },
  });
  const reader = (id: string): FakeReader => {
    const all = readers.get(id);
    const last = all?.[all.length - 1];
    if (!last) throw new Error(`no reader ${id}`);
    return last;
  };
  return { daemon, engine, notifications, readers, reader };
}

const read = (epc: string) => ({ epc, antenna: 1, rssi: -50, time: Date.now(), reader: 'door-1' });

describe('gateway daemon (fake engine and readers, real broker and SQLite outbox)', () => {
  it('runs reads to the cloud, reports status, closes the open pass on stop, and says offline', async () => {
    const subscriber = await cloudSubscriber();
    const { daemon, notifications, reader } = harness(GatewayConfigSchema.parse(rawConfig()));
    await daemon.start();
    expect(notifications[0]).toMatch(/^READY=1\nSTATUS=/);
    for (let index = 0; index < 100; index += 1) reader('door-1').emit(read(`E2${String(index).padStart(4, '0')}`));
    reader('door-1').emit(read('BAD0'));
    await until(() => subscriber.events.length === 100);
    expect(daemon.counters()).toMatchObject({ readsIngested: 101, readsRejected: 1, appendFailures: 0 });
    await until(() =>
      subscriber.statuses.some((status) => status.state === 'online' && status.readers?.[0]?.connected === true),
    );
    await until(() => notifications.includes('WATCHDOG=1'));
    await daemon.stop('test');
    await until(() => subscriber.events.length === 101 && subscriber.statuses.at(-1)?.state === 'offline');
    expect(new Set(subscriber.events).size).toBe(101);
    expect(notifications.at(-1)).toMatch(/^STOPPING=1\nSTATUS=stopping: test/);
    expect(reader('door-1').closed).toBe(true);
    await subscriber.close();
  });

  it('keeps events produced while the broker is unreachable and sends them after restart', async () => {
    const raw = rawConfig({
      mqtt: { url: 'mqtt://127.0.0.1:1', reconnect: { initialDelayMs: 50, maxDelayMs: 100 } },
      shutdownDrainMs: 0,
    });
    const first = harness(GatewayConfigSchema.parse(raw));
    await first.daemon.start();
    for (let index = 0; index < 10; index += 1) first.reader('door-1').emit(read(`E3${index}00`));
    await first.daemon.stop('test');
    const subscriber = await cloudSubscriber();
    const second = harness(GatewayConfigSchema.parse({ ...raw, mqtt: rawConfig()['mqtt'] }));
    await second.daemon.start();
    // 10 reads plus the pass closed by the first stop.
    await until(() => subscriber.events.length === 11);
    expect(second.daemon.outboxFill()).toMatchObject({ depth: 0, lastSequence: 11 });
    await second.daemon.stop('test');
    await subscriber.close();
  });

  it('reloads reader and debounce settings; a bad file keeps the running config', async () => {
    const file = join(directory, 'reload.json');
    const raw = rawConfig();
    writeFileSync(file, JSON.stringify(raw));
    const { daemon, engine, readers } = harness(loadGatewayConfig(file), () => loadGatewayConfig(file));
    await daemon.start();

    writeFileSync(file, JSON.stringify({ ...raw, statusIntervalMs: 'often' }));
    const rejected = await daemon.reload();
    expect(rejected).toMatchObject({ kind: 'rejected' });
    expect(rejected.kind === 'rejected' && rejected.reason).toMatch(/statusIntervalMs/);
    expect(readers.get('door-1')).toHaveLength(1);

    writeFileSync(
      file,
      JSON.stringify({
        ...raw,
        readers: [
          { id: 'door-1', protocol: 'simulated', scenario: {}, seed: 2 },
          { id: 'door-2', protocol: 'simulated', scenario: {} },
        ],
      }),
    );
    expect(await daemon.reload()).toEqual({ kind: 'reloaded', readersRestarted: ['door-1', 'door-2'] });
    expect(readers.get('door-1')?.[0]?.closed).toBe(true);
    expect(engine.reconfigured).toHaveLength(1);
    expect(daemon.readersHealth().map((health) => health.readerId)).toEqual(['door-1', 'door-2']);
    await daemon.stop('test');
  });

  it('asks a reader that failed to connect at start to start anyway (it starts once its link is up)', async () => {
    const { daemon, reader } = harness(
      GatewayConfigSchema.parse(rawConfig({ readers: [{ id: 'unplugged-1', protocol: 'simulated', scenario: {} }] })),
    );
    await daemon.start();
    expect(reader('unplugged-1').starts).toBe(1);
    expect(daemon.readersHealth()[0]?.connected).toBe(false);
    await daemon.stop('test');
  });

  it('pauses reader inventory when the outbox is full (block policy) and resumes once drained', async () => {
    const raw = rawConfig({
      mqtt: { url: 'mqtt://127.0.0.1:1', reconnect: { initialDelayMs: 1_000, maxDelayMs: 1_000 } },
      outbox: { path: join(directory, 'full.sqlite'), eventsMax: 5 },
      shutdownDrainMs: 0,
    });
    const { daemon, reader } = harness(GatewayConfigSchema.parse(raw));
    await daemon.start();
    for (let index = 0; index < 5; index += 1) reader('door-1').emit(read(`E4${index}00`));
    await until(() => !reader('door-1').running);
    expect(daemon.outboxFill()).toMatchObject({ depth: 5, full: true });
    await daemon.stop('test');
  });
});
