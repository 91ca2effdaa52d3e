import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../cloud/src/broker/broker.js';
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
import { serveScenario, type ServingScenario } from '../../simulators/src/serve.js';
import { until } from '../support/wait.js';

/**
 * The issue's "done when" for LLRP: the dock-door demo served by `stockwire-sim`'s LLRP reader
 * (Impinj and Zebra profiles, each door with two photo-eyes on GPI 1 and 2); the unchanged gateway
 * daemon, configured only by its file, publishes the scenario's expected receiving (pallet + cases,
 * with its aggregation), its direction decided by the GPI beams and confirmed by the reads.
 */
const VENDORS = ['impinj', 'zebra'] as const;
const readerOf = (vendor: string) => `door-7-llrp-${vendor}`;

const demo = loadScenarioFile(resolveScenarioFile('dock-door-demo'));
const scenario = parseScenario({
  ...demo,
  readers: VENDORS.map((vendor) => ({
    id: readerOf(vendor),
    protocol: 'llrp',
    llrpVendor: vendor,
    roundPeriodMs: 200,
  })),
  doors: VENDORS.map((vendor) => ({
    id: readerOf(vendor),
    reader: readerOf(vendor),
    antennas: { outside: [1], inside: [2] },
    beams: { outside: 1, inside: 2 },
    strayReadProbability: 0,
  })),
  timeline: VENDORS.map((vendor) => ({
    kind: 'pallet-pass',
    atSeconds: 0.5,
    door: readerOf(vendor),
    population: 'pallet-a',
    direction: 'inbound',
    passSeconds: 3,
  })),
});

let directory = '';
let broker: EmbeddedBroker;
let serving: ServingScenario;
let spy: MqttClient;
let gateway: ReturnType<typeof createGatewayDaemon>;
const events: EpcisEvent[] = [];
let status: GatewayStatus | null = null;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-llrp-e2e-'));
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: silentLogger(), allowAnonymous: true });
  const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  serving = await serveScenario({
    scenario,
    clock: systemClock,
    logger: silentLogger(),
    loop: true,
    speed: 1,
    ptyDir: directory,
    opcuaPort: 0,
    pkiDir: join(directory, 'pki'),
    llrpPort: 0,
  });
  spy = await mqtt.connectAsync(mqttUrl);
  spy.on('message', (topic, payload) => {
    const message = JSON.parse(payload.toString('utf8')) as { epcisBody?: { eventList: EpcisEvent[] } };
    if (topic.endsWith('/status')) status = message as unknown as GatewayStatus;
    else events.push(...(message.epcisBody?.eventList ?? []));
  });
  await spy.subscribeAsync([
    gatewayTopic('store-1', 'gw-llrp', 'events'),
    gatewayTopic('store-1', 'gw-llrp', 'status'),
  ]);
  const configFile = join(directory, 'gateway.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      siteId: 'store-1',
      gatewayId: 'gw-llrp',
      statusIntervalMs: 500,
      readers: serving.readers.map((served) => served.gatewayConfig),
      mqtt: { url: mqttUrl },
      outbox: { path: join(directory, 'outbox.sqlite') },
      debounce: {
        tickIntervalMs: 100,
        portals: VENDORS.map((vendor) => ({
          id: readerOf(vendor),
          stableSetMs: 1_000,
          inboundLocation: 'urn:stockwire:loc:store-1:backroom',
          outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
          antennas: [
            { reader: readerOf(vendor), antenna: 1, side: 'outside' },
            { reader: readerOf(vendor), antenna: 2, side: 'inside' },
          ],
          beams: { outside: { reader: readerOf(vendor), port: 1 }, inside: { reader: readerOf(vendor), port: 2 } },
        })),
      },
    }),
  );
  gateway = createGatewayDaemon({
    config: loadGatewayConfig(configFile),
    parts: await defaultParts(),
    clock: systemClock,
    logger: silentLogger(),
    notifier: createNotifier({ logger: silentLogger(), environment: {} }),
  });
  await gateway.start();
}, 60_000);

afterAll(async () => {
  await gateway?.stop('test done');
  await spy?.endAsync();
  await serving?.stop();
  await broker?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The receiving ObjectEvent of a whole loop (≥ 1: loop 0 may have started before the gateway listened). */
function receivingOf(readerId: string) {
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

describe('gateway daemon over LLRP (scenario → LLRP simulator → driver → daemon → MQTT)', () => {
  it.each(VENDORS)('%s: receives the pallet with its cases, direction decided by the GPI beams', async (vendor) => {
    const readerId = readerOf(vendor);
    await until(() => receivingOf(readerId) !== undefined, 30_000, `a whole pallet pass at ${readerId}`);
    const { expected, event } = receivingOf(readerId)!;
    if (event.type !== 'ObjectEvent') throw new Error('not an ObjectEvent');
    expect(event.bizStep).toContain('receiving');
    expect(event.epcList).toEqual([...expected.uris, expected.parentUri].sort());
    expect((event as Record<string, unknown>)['stockwire:beams']).toMatchObject({ order: 'outside,inside' });
    const aggregation = events.find(
      (candidate) => candidate.type === 'AggregationEvent' && candidate.parentID === expected.parentUri,
    );
    expect(aggregation?.type === 'AggregationEvent' && aggregation.childEPCs).toEqual([...expected.uris].sort());
    expect(events.some((candidate) => candidate.bizStep?.includes('shipping'))).toBe(false);
    const health = status?.readers?.find((reader) => reader.readerId === readerId);
    expect(health).toMatchObject({ protocol: 'llrp', connected: true, framesBad: 0 });
    expect(health?.counters?.['gpiEvents']).toBeGreaterThan(0);
  });
});
