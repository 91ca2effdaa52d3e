import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  beamDoorScenario,
  beamPortal,
  expectBeamReceiving,
  startGatewayOverScenario,
  type GatewayOverScenario,
} from '../support/gateway-over-scenario.js';

/**
 * The issue's "done when" for LLRP: the dock-door demo served by `stockwire-sim`'s LLRP reader
 * (Impinj and Zebra profiles, each door with two photo-eyes on GPI 1 and 2); the unchanged gateway
 * daemon, configured only by its file, publishes the scenario's expected receiving (pallet + cases,
 * with its aggregation), its direction decided by the GPI beams and confirmed by the reads.
 */
const VENDORS = ['impinj', 'zebra'] as const;
const readerOf = (vendor: string) => `door-7-llrp-${vendor}`;
const scenario = beamDoorScenario(
  VENDORS.map((vendor) => ({ id: readerOf(vendor), protocol: 'llrp', llrpVendor: vendor })),
);

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
  it.each(VENDORS)('%s: receives the pallet with its cases, direction decided by the GPI beams', (vendor) =>
    expectBeamReceiving(harness, scenario, readerOf(vendor), 'llrp'),
  );
});
