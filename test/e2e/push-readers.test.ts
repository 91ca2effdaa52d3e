import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario, resolveScenarioFile } from '../../simulators/src/scenario/load.js';
import {
  beamPortal,
  receivingOf,
  startGatewayOverScenario,
  type GatewayOverScenario,
} from '../support/gateway-over-scenario.js';
import { until } from '../support/wait.js';

/**
 * The "done when" for the readers that push JSON: the dock-door demo served
 * as an Impinj R700 (IoT Device Interface HTTP stream) and as a Zebra FX9600 (IoT
 * Connector over a real aedes broker), each door with two photo-eye beams; the
 * unchanged gateway daemon, configured only by its file, publishes the scenario's
 * expected receiving (pallet + cases, with its aggregation), its direction decided by
 * the beams and confirmed by the reads.
 */
const PROTOCOLS = ['impinj-iot', 'zebra-iot'] as const;
const readerOf = (protocol: string) => `door-5-${protocol}`;

const demo = loadScenarioFile(resolveScenarioFile('dock-door-demo'));
const scenario = parseScenario({
  ...demo,
  readers: PROTOCOLS.map((protocol) => ({ id: readerOf(protocol), protocol, roundPeriodMs: 200 })),
  doors: PROTOCOLS.map((protocol) => ({
    id: readerOf(protocol),
    reader: readerOf(protocol),
    antennas: { outside: [1], inside: [2] },
    beams: { outside: 1, inside: 2 },
    strayReadProbability: 0,
  })),
  timeline: PROTOCOLS.map((protocol) => ({
    kind: 'pallet-pass',
    atSeconds: 0.5,
    door: readerOf(protocol),
    population: 'pallet-a',
    direction: 'inbound',
    passSeconds: 3,
  })),
});

let harness: GatewayOverScenario;

beforeAll(async () => {
  harness = await startGatewayOverScenario({
    scenario,
    gatewayId: 'gw-push',
    portals: PROTOCOLS.map((protocol) => beamPortal(readerOf(protocol))),
    serve: { readerMqttToTestBroker: true },
  });
}, 60_000);

afterAll(() => harness?.stop());

describe('gateway daemon over readers that push JSON (scenario → simulator → driver → daemon → MQTT)', () => {
  it.each(PROTOCOLS)('%s: receives the pallet with its cases, direction decided by the beams', async (protocol) => {
    const readerId = readerOf(protocol);
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
  });
});
