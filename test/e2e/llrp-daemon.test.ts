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

let harness: GatewayOverScenario;

beforeAll(async () => {
  harness = await startGatewayOverScenario({
    scenario,
    gatewayId: 'gw-llrp',
    portals: VENDORS.map((vendor) => beamPortal(readerOf(vendor))),
    serve: { llrpPort: 0 },
  });
}, 60_000);

afterAll(() => harness?.stop());

describe('gateway daemon over LLRP (scenario → LLRP simulator → driver → daemon → MQTT)', () => {
  it.each(VENDORS)('%s: receives the pallet with its cases, direction decided by the GPI beams', async (vendor) => {
    const readerId = readerOf(vendor);
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
    expect(health).toMatchObject({ protocol: 'llrp', connected: true, framesBad: 0 });
    expect(health?.counters?.['gpiEvents']).toBeGreaterThan(0);
  });
});
