import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { expect } from 'vitest';
import { startEmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { createGatewayDaemon } from '../../gateway/src/daemon.js';
import { defaultParts } from '../../gateway/src/main.js';
import { createNotifier } from '../../gateway/src/systemd/notify.js';
import { systemClock } from '../../shared/src/clock.js';
import type { EpcisEvent } from '../../shared/src/contracts/epcis.js';
import type { GatewayStatus } from '../../shared/src/contracts/status.js';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { silentLogger } from '../../shared/src/log.js';
import { generateScenarioRun } from '../../simulators/src/scenario/engine.js';
import { loadScenarioFile, parseScenario, resolveScenarioFile } from '../../simulators/src/scenario/load.js';
import type { Scenario } from '../../simulators/src/scenario/schema.js';
import { serveScenario, type ServeOptions } from '../../simulators/src/serve.js';
import { until } from './wait.js';

/**
 * The per-protocol "done when" harness: a scenario served over its real protocols by
 * `stockwire-sim`'s simulators, an aedes broker, and the unchanged gateway daemon configured
 * only by a file written from the served readers' config blocks. A spy collects what the
 * gateway publishes (events and status).
 */
export interface GatewayOverScenario {
  events: EpcisEvent[];
  status(): GatewayStatus | null;
  stop(): Promise<void>;
}

export async function startGatewayOverScenario(options: {
  scenario: Scenario;
  gatewayId: string;
  /** `debounce.portals` of the gateway file. */
  portals: unknown[];
  /** Extra serve options (e.g. `readerMqttUrl: true` to point push readers at the test broker). */
  serve?: Partial<ServeOptions> & { readerMqttToTestBroker?: boolean };
}): Promise<GatewayOverScenario> {
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-daemon-e2e-'));
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    allowAnonymous: true,
  });
  const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  const { readerMqttToTestBroker, ...serveExtra } = options.serve ?? {};
  const serving = await serveScenario({
    scenario: options.scenario,
    clock: systemClock,
    logger: silentLogger(),
    loop: true,
    speed: 1,
    ptyDir: directory,
    opcuaPort: 0,
    pkiDir: join(directory, 'pki'),
    ...(readerMqttToTestBroker ? { readerMqttUrl: mqttUrl } : {}),
    ...serveExtra,
  });
  const events: EpcisEvent[] = [];
  let status: GatewayStatus | null = null;
  const spy = await mqtt.connectAsync(mqttUrl);
  spy.on('message', (topic, payload) => {
    const message = JSON.parse(payload.toString('utf8')) as { epcisBody?: { eventList: EpcisEvent[] } };
    if (topic.endsWith('/status')) status = message as unknown as GatewayStatus;
    else events.push(...(message.epcisBody?.eventList ?? []));
  });
  await spy.subscribeAsync([
    gatewayTopic('store-1', options.gatewayId, 'events'),
    gatewayTopic('store-1', options.gatewayId, 'status'),
  ]);
  const configFile = join(directory, 'gateway.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      siteId: 'store-1',
      gatewayId: options.gatewayId,
      statusIntervalMs: 500,
      readers: serving.readers.map((served) => served.gatewayConfig),
      mqtt: { url: mqttUrl },
      outbox: { path: join(directory, 'outbox.sqlite') },
      debounce: { tickIntervalMs: 100, portals: options.portals },
    }),
  );
  const gateway = createGatewayDaemon({
    config: loadGatewayConfig(configFile),
    parts: await defaultParts(),
    clock: systemClock,
    logger: silentLogger(),
    notifier: createNotifier({ logger: silentLogger(), environment: {} }),
  });
  await gateway.start();
  return {
    events,
    status: () => status,
    async stop() {
      await gateway.stop('test done');
      await spy.endAsync();
      await serving.stop();
      await broker.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A door portal on antennas 1 (outside) and 2 (inside) with photo-eyes on GPI 1 and 2, closing after 1 s quiet. */
export function beamPortal(readerId: string): Record<string, unknown> {
  return {
    id: readerId,
    stableSetMs: 1_000,
    inboundLocation: 'urn:stockwire:loc:store-1:backroom',
    outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
    antennas: [
      { reader: readerId, antenna: 1, side: 'outside' },
      { reader: readerId, antenna: 2, side: 'inside' },
    ],
    beams: { outside: { reader: readerId, port: 1 }, inside: { reader: readerId, port: 2 } },
  };
}

/** The receiving ObjectEvent of a whole loop (≥ 1: loop 0 may have started before the gateway listened). */
export function receivingOf(scenario: Scenario, events: readonly EpcisEvent[], readerId: string) {
  for (let loopIndex = 1; loopIndex < 40; loopIndex++) {
    const expected = generateScenarioRun(scenario, { loopIndex }).expected.find(
      (movement) => movement.kind === 'portal' && movement.readerId === readerId,
    );
    if (expected?.kind !== 'portal' || expected.parentUri === null) continue;
    const parent = expected.parentUri;
    const event = events.find((candidate) => candidate.type === 'ObjectEvent' && candidate.epcList.includes(parent));
    if (event) return { expected, event };
  }
  return undefined;
}

/** The demo's dock door (pallet-a inbound 0.5 s into each 5 s loop), one door with photo-eyes per reader given. */
export function beamDoorScenario(readers: ReadonlyArray<{ id: string } & Record<string, unknown>>): Scenario {
  const demo = loadScenarioFile(resolveScenarioFile('dock-door-demo'));
  return parseScenario({
    ...demo,
    readers: readers.map((reader) => ({ roundPeriodMs: 200, ...reader })),
    doors: readers.map((reader) => ({
      id: reader.id,
      reader: reader.id,
      antennas: { outside: [1], inside: [2] },
      beams: { outside: 1, inside: 2 },
      strayReadProbability: 0,
    })),
    timeline: readers.map((reader) => ({
      kind: 'pallet-pass',
      atSeconds: 0.5,
      door: reader.id,
      population: 'pallet-a',
      direction: 'inbound',
      passSeconds: 3,
    })),
  });
}

/** Waits for a whole loop's pass at `readerId` and checks it: receiving, cases + SSCC, beams decided, no shipping. */
export async function expectBeamReceiving(
  harness: GatewayOverScenario,
  scenario: Scenario,
  readerId: string,
  protocol: string,
): Promise<void> {
  const { events } = harness;
  await until(
    () => receivingOf(scenario, events, readerId) !== undefined,
    30_000,
    `a whole pallet pass at ${readerId}`,
  );
  const { expected, event } = receivingOf(scenario, events, readerId)!;
  if (event.type !== 'ObjectEvent') throw new Error('not an ObjectEvent');
  expect(event.bizStep).toContain('receiving');
  expect(event.epcList).toEqual([...expected.uris, expected.parentUri].sort());
  expect((event as Record<string, unknown>)['stockwire:beams']).toMatchObject({ order: 'outside,inside' });
  const aggregation = events.find(
    (candidate) => candidate.type === 'AggregationEvent' && candidate.parentID === expected.parentUri,
  );
  expect(aggregation?.type === 'AggregationEvent' && aggregation.childEPCs).toEqual([...expected.uris].sort());
  expect(events.some((candidate) => candidate.bizStep?.includes('shipping'))).toBe(false);
  const health = harness.status()?.readers?.find((reader) => reader.readerId === readerId);
  expect(health).toMatchObject({ protocol, connected: true });
  expect(health?.counters?.['gpiEvents']).toBeGreaterThan(0);
}
