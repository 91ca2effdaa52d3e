import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  beamDoorScenario,
  beamPortal,
  expectBeamReceiving,
  startGatewayOverScenario,
  type GatewayOverScenario,
} from '../support/gateway-over-scenario.js';

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
const scenario = beamDoorScenario(PROTOCOLS.map((protocol) => ({ id: readerOf(protocol), protocol })));

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
  it.each(PROTOCOLS)('%s: receives the pallet with its cases, direction decided by the beams', (protocol) =>
    expectBeamReceiving(harness, scenario, readerOf(protocol), protocol),
  );
});
