import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { generateBeamTimeline } from '../../../simulators/src/scenario/beams.js';
import { generateScenarioRun } from '../../../simulators/src/scenario/engine.js';
import { loadScenarioFile, resolveScenarioFile } from '../../../simulators/src/scenario/load.js';
import { DebounceConfigSchema } from '../../src/debounce/config.js';
import { createDebounceEngine } from '../../src/debounce/engine.js';

/**
 * The bundled photo-eye-doors scenario, pure: its reads and its beam timeline through
 * the engine on a simulated clock give exactly the expected movements, each decided by
 * the beams (and confirmed by the reads).
 */
const scenario = loadScenarioFile(resolveScenarioFile('photo-eye-doors'));
const T0 = Date.UTC(2026, 11, 4, 10);

const config = DebounceConfigSchema.parse({
  portals: scenario.doors.map((door) => ({
    id: door.id,
    stableSetMs: 1_000,
    inboundLocation: 'urn:stockwire:loc:store-1:backroom',
    outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
    antennas: [
      { reader: door.reader, antenna: 1, side: 'outside' },
      { reader: door.reader, antenna: 2, side: 'inside' },
    ],
    beams: { outside: { reader: door.reader, port: 1 }, inside: { reader: door.reader, port: 2 } },
  })),
});

describe('photo-eye-doors scenario through the debounce with beams', () => {
  it('gives the expected receiving and shipping, decided by the beams', () => {
    const run = generateScenarioRun(scenario, { loopIndex: 0 });
    const engine = createDebounceEngine(config, { siteId: 'store-1', gatewayId: 'gw-1' });
    const inputs = [
      ...run.reads.map((read) => ({
        atMs: T0 + read.offsetMs,
        apply: (nowMs: number) =>
          engine.ingest(
            { epc: read.epc, antenna: read.antenna, rssi: read.rssiDbm, time: nowMs, reader: read.readerId },
            nowMs,
          ),
      })),
      ...generateBeamTimeline(scenario).map((change) => ({
        atMs: T0 + change.offsetMs,
        apply: (nowMs: number) =>
          engine.ingestBeam({ reader: change.readerId, port: change.port, state: change.state, time: nowMs }, nowMs),
      })),
    ].sort((a, b) => a.atMs - b.atMs);
    const events: EpcisEvent[] = [];
    let tickMs = T0;
    for (const input of inputs) {
      for (; tickMs <= input.atMs; tickMs += 100) events.push(...engine.tick(tickMs));
      input.apply(input.atMs);
    }
    for (; tickMs <= T0 + run.durationMs + 5_000; tickMs += 100) events.push(...engine.tick(tickMs));
    const objectEvents = events.filter((event) => event.type === 'ObjectEvent');
    expect(objectEvents).toHaveLength(run.expected.length);
    for (const expected of run.expected) {
      if (expected.kind !== 'portal' || expected.parentUri === null) throw new Error('expected pallet passes');
      const event = objectEvents.find((candidate) => candidate.epcList.includes(expected.parentUri ?? '')) as
        (EpcisEvent & Record<string, unknown>) | undefined;
      expect(event?.['stockwire:direction']).toBe(expected.direction);
      expect(event?.type === 'ObjectEvent' && event.epcList).toEqual([...expected.uris, expected.parentUri].sort());
      expect(event?.['stockwire:beams']).toMatchObject({
        order: expected.direction === 'inbound' ? 'outside,inside' : 'inside,outside',
        readsContradict: 0,
      });
    }
    expect(engine.stats().passesDecidedByBeams).toBe(2);
  });
});
