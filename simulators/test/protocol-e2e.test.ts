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
 * wire (Chafon and ThingMagic on socat ptys, OPC UA AutoID and LLRP on loopback), read by the
 * unchanged drivers, debounced by the gateway's own engine, yields exactly the
 * movement the scenario expects. Each reader is checked on the first loop it saw
 * whole (the OPC UA session takes seconds to open while the scenario already plays).
 */
const PROTOCOLS = ['chafon', 'thingmagic', 'opcua', 'llrp'] as const;
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
/** Per reader: the first loop whose whole pallet pass happened after the driver was streaming. */
const loopToCheck = new Map<string, number>();
const reads: RawRead[] = [];
const demo = loadScenarioFile(resolveScenarioFile('dock-door-demo'));
// Same doors and timeline, one reader per protocol: each sees the same pallet pass.
const scenario = parseScenario({
  ...demo,
  readers: PROTOCOLS.map((protocol) => ({ id: `door-3-${protocol}`, protocol, roundPeriodMs: 200 })),
  doors: PROTOCOLS.map((protocol) => ({
    id: `door-3-${protocol}`,
    reader: `door-3-${protocol}`,
    antennas: { outside: [1], inside: [2] },
    strayReadProbability: 0,
  })),
  timeline: PROTOCOLS.map((protocol) => ({
    kind: 'pallet-pass',
    atSeconds: 0.5,
    door: `door-3-${protocol}`,
    population: 'pallet-a',
    direction: 'inbound',
    passSeconds: 3,
  })),
});

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-e2e-'));
  servingStartedMs = Date.now();
  serving = await serveScenario({
    scenario,
    clock: systemClock,
    logger: silentLogger(),
    loop: true,
    speed: 1,
    ptyDir: directory,
    opcuaPort: await freeTcpPort(),
    pkiDir: join(directory, 'pki'),
  });
  for (const served of serving.readers) {
    const extra =
      served.protocol === 'opcua' ? { pkiDir: join(directory, 'client-pki'), trustUnknownServerCertificate: true } : {};
    const driver = createReaderDriver(ReaderConfigSchema.parse({ ...served.gatewayConfig, ...extra }), {
      clock: systemClock,
      logger: silentLogger(),
    });
    driver.onRead((read) => reads.push(read));
    drivers.push(driver);
  }
  await Promise.all(
    drivers.map(async (driver) => {
      await driver.connect();
      await driver.start();
      // The pass starts 0.5 s into each loop; leave 300 ms of margin for the first inventory.
      const streamingSinceMs = Date.now() - servingStartedMs;
      loopToCheck.set(driver.readerId, Math.max(0, Math.ceil((streamingSinceMs - 200) / LOOP_MS)));
    }),
  );
  // Wait until the last checked loop's pass is over (it ends 3.5 s into the loop) plus quiet.
  const lastLoop = Math.max(...loopToCheck.values());
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, servingStartedMs + lastLoop * LOOP_MS + 4_300 - Date.now())),
  );
}, 60_000);

afterAll(async () => {
  for (const driver of drivers) await driver.close();
  await serving?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('dock-door demo over each real protocol, through the debounce engine', () => {
  const epcsOf = (event: EpcisEvent): string[] => (event.type === 'ObjectEvent' ? event.epcList : event.childEPCs);

  it.each(PROTOCOLS)('%s: a pallet is received at its door with its aggregation', (protocol) => {
    const readerId = `door-3-${protocol}`;
    const loopIndex = loopToCheck.get(readerId) ?? 0;
    // Exactly that loop: from the quiet gap before its pass (0.5–3.5 s) to the gap before the next one.
    const fromMs = servingStartedMs + loopIndex * LOOP_MS - 700;
    const toMs = fromMs + LOOP_MS;
    const readerReads = reads
      .filter((read) => read.reader === readerId && read.time >= fromMs && read.time < toMs)
      .sort((a, b) => a.time - b.time);
    expect(readerReads.length).toBeGreaterThan(40);
    const events = runReads(
      createDebounceEngine(debounceConfig, { siteId: 'store-1', gatewayId: 'gw-e2e' }),
      debounceConfig,
      readerReads,
    );
    const expected = generateScenarioRun(scenario, { loopIndex }).expected.find(
      (movement) => movement.kind === 'portal' && movement.readerId === readerId,
    );
    if (expected?.kind !== 'portal' || expected.parentUri === null) throw new Error('scenario lost its pallet pass');
    const receiving = events.find(
      (event) =>
        event.type === 'ObjectEvent' &&
        event.bizStep === 'receiving' &&
        epcsOf(event).includes(expected.parentUri ?? ''),
    );
    expect(receiving && epcsOf(receiving)).toEqual([...expected.uris, expected.parentUri].sort());
    const aggregation = events.find(
      (event) =>
        event.type === 'AggregationEvent' && event.bizStep === 'receiving' && event.parentID === expected.parentUri,
    );
    expect(aggregation && epcsOf(aggregation)).toEqual([...expected.uris].sort());
    // Nothing was shipped: an inbound pass is never mistaken for an outbound one.
    expect(events.some((event) => event.bizStep === 'shipping')).toBe(false);
  });
});
