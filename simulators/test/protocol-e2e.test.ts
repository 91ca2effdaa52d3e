import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/src/clock.js';
import type { EpcisEvent } from '../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../shared/src/log.js';
import { DebounceConfigSchema } from '../../gateway/src/debounce/config.js';
import { createDebounceEngine } from '../../gateway/src/debounce/engine.js';
import { runReads } from '../../gateway/src/debounce/simulate.js';
import { ReaderConfigSchema } from '../../gateway/src/readers/config.js';
import type { ReaderDriver } from '../../gateway/src/readers/driver.js';
import { createReaderDriver } from '../../gateway/src/readers/factory.js';
import { freeTcpPort } from '../src/opcua/server.js';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile, parseScenario, resolveScenarioFile } from '../src/scenario/load.js';
import { serveScenario, type ServingScenario } from '../src/serve.js';

/**
 * The "done when", per protocol: the dock-door demo served over the real
 * wire (Chafon and ThingMagic on socat ptys, OPC UA AutoID on loopback), read by the
 * unchanged drivers, debounced by the gateway's own engine, yields exactly the
 * movement the scenario expects. The second loop is checked (the first may be
 * partly missed while clients connect — the OPC UA session takes ~1–2 s).
 */
const PROTOCOLS = ['chafon', 'thingmagic', 'opcua'] as const;
const LOOP_MS = 5_000;

const debounceConfig = DebounceConfigSchema.parse({
  portals: PROTOCOLS.map((protocol) => ({
    id: `door-3-${protocol}`,
    // Pallets follow each other with a 2 s gap: close a pass after 1 s of quiet (as config/demo does).
    stableSetMs: 1_000,
    inboundLocation: 'urn:stockwire:loc:store-1:backroom',
    outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
    antennas: [
      { reader: `door-3-${protocol}`, antenna: 1, side: 'outside' },
      { reader: `door-3-${protocol}`, antenna: 2, side: 'inside' },
    ],
  })),
});

let directory = '';
let servingStartedMs = 0;
let serving: ServingScenario | null = null;
const drivers: ReaderDriver[] = [];
const reads: RawRead[] = [];
const demo = loadScenarioFile(resolveScenarioFile('dock-door-demo'));
// Same doors and timeline, one reader per protocol: each sees the same pallet pass.
const scenario = parseScenario({
  ...demo,
  readers: PROTOCOLS.map((protocol) => ({ id: `door-3-${protocol}`, protocol, roundPeriodMs: 200 })),
  doors: PROTOCOLS.map((protocol) => ({ id: `door-3-${protocol}`, reader: `door-3-${protocol}`, antennas: { outside: [1], inside: [2] }, strayReadProbability: 0 })),
  timeline: PROTOCOLS.map((protocol) => ({ kind: 'pallet-pass', atSeconds: 0.5, door: `door-3-${protocol}`, population: 'pallet-a', direction: 'inbound', passSeconds: 3 })),
});

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-e2e-'));
  servingStartedMs = Date.now();
  serving = await serveScenario({ scenario, clock: systemClock, logger: silentLogger(), loop: true, speed: 1, ptyDir: directory, opcuaPort: await freeTcpPort(), pkiDir: join(directory, 'pki') });
  for (const served of serving.readers) {
    const extra = served.protocol === 'opcua' ? { pkiDir: join(directory, 'client-pki'), trustUnknownServerCertificate: true } : {};
    const driver = createReaderDriver(ReaderConfigSchema.parse({ ...served.gatewayConfig, ...extra }), { clock: systemClock, logger: silentLogger() });
    driver.onRead((read) => reads.push(read));
    drivers.push(driver);
  }
  await Promise.all(drivers.map(async (driver) => (await driver.connect(), await driver.start())));
  // Loop 1 (5–10 s after serving began) must be complete: wait for its pass to end plus margin.
  await new Promise((resolve) => setTimeout(resolve, 2 * LOOP_MS + 500));
}, 60_000);

afterAll(async () => {
  for (const driver of drivers) await driver.close();
  await serving?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('dock-door demo over each real protocol, through the debounce engine', () => {
  const loopOne = generateScenarioRun(scenario, { loopIndex: 1 });
  const epcsOf = (event: EpcisEvent): string[] => (event.type === 'ObjectEvent' ? event.epcList : event.childEPCs);

  it.each(PROTOCOLS)('%s: the second pallet is received at its door with its aggregation', (protocol) => {
    const readerId = `door-3-${protocol}`;
    // From the middle of the quiet gap before loop 1 (its pass runs 5.5–8.5 s): a half-read first pallet stays out.
    const loopOneQuietMs = servingStartedMs + LOOP_MS - 700;
    const readerReads = reads.filter((read) => read.reader === readerId && read.time >= loopOneQuietMs).sort((a, b) => a.time - b.time);
    expect(readerReads.length).toBeGreaterThan(50);
    const events = runReads(createDebounceEngine(debounceConfig, { siteId: 'store-1', gatewayId: 'gw-e2e' }), debounceConfig, readerReads);
    if (process.env['E2E_DEBUG']) {
      const t0 = readerReads[0]?.time ?? 0;
      const gaps = readerReads.slice(1).map((read, index) => [read.time - (readerReads[index]?.time ?? 0), read.time - t0]).filter(([gap]) => (gap ?? 0) > 500);
      console.log(protocol, readerReads.length, JSON.stringify(gaps), events.map((event) => `${event.type}:${event.bizStep}:${epcsOf(event).length}:${event.eventTime}`));
    }
    const expected = loopOne.expected.find((movement) => movement.kind === 'portal' && movement.readerId === readerId);
    if (expected?.kind !== 'portal' || expected.parentUri === null) throw new Error('scenario lost its pallet pass');
    const receiving = events.find((event) => event.type === 'ObjectEvent' && event.bizStep === 'receiving' && epcsOf(event).includes(expected.parentUri ?? ''));
    expect(receiving && epcsOf(receiving)).toEqual([...expected.uris, expected.parentUri].sort());
    const aggregation = events.find((event) => event.type === 'AggregationEvent' && event.bizStep === 'receiving' && event.parentID === expected.parentUri);
    expect(aggregation && epcsOf(aggregation)).toEqual([...expected.uris].sort());
    // Nothing was shipped: an inbound pass is never mistaken for an outbound one.
    expect(events.some((event) => event.bizStep === 'shipping')).toBe(false);
  });
});
