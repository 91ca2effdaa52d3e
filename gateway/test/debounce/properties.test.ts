import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpcisEventSchema } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { T0, dockConfig, passReads, run, sgtin, shelfReads, sscc } from './builders.js';

/**
 * Property tests over random read streams on the two-door dock and the shelf:
 * any mix of antennas, RSSI, bursts and gaps.
 */
const EPCS = [sscc(1), sgtin(1), sgtin(2), sgtin(3), sgtin(4), sgtin(5)];
const ROUTES = [
  { reader: 'dock', antenna: 1 },
  { reader: 'dock', antenna: 2 },
  { reader: 'dock', antenna: 3 },
  { reader: 'dock', antenna: 4 },
  { reader: 'shelf', antenna: 1 },
];

const readArbitrary = fc.record({
  epcIndex: fc.integer({ min: 0, max: EPCS.length - 1 }),
  routeIndex: fc.integer({ min: 0, max: ROUTES.length - 1 }),
  rssi: fc.integer({ min: -85, max: -35 }),
  // coarse times so that many reads share a millisecond
  offsetMs: fc.integer({ min: 0, max: 600 }).map((step) => step * 50),
});

const noiseArbitrary = fc.array(readArbitrary, { maxLength: 80 }).map((entries) =>
  entries.map((entry): RawRead => {
    const route = ROUTES[entry.routeIndex] as { reader: string; antenna: number };
    return {
      epc: EPCS[entry.epcIndex] as string,
      antenna: route.antenna,
      reader: route.reader,
      rssi: entry.rssi,
      time: T0 + entry.offsetMs,
    };
  }),
);

/** Loads crossing doors (some cross-read by the other door, some backing out), a shelf, and noise. */
const passArbitrary = fc
  .record({
    tags: fc.subarray(EPCS, { minLength: 1 }),
    door: fc.constantFrom('door-1' as const, 'door-2' as const),
    direction: fc.constantFrom('inbound' as const, 'outbound' as const, 'in-and-back' as const),
    startStep: fc.integer({ min: 0, max: 250 }),
    durationMs: fc.integer({ min: 5, max: 60 }).map((tenths) => tenths * 100),
    stepMs: fc.constantFrom(100, 200, 400),
    rssiOffsetDb: fc.integer({ min: -20, max: 0 }),
  })
  .map((pass) =>
    passReads({
      epcs: pass.tags,
      door: pass.door,
      direction: pass.direction,
      startMs: T0 + pass.startStep * 100,
      durationMs: pass.durationMs,
      stepMs: pass.stepMs,
      rssiOffsetDb: pass.rssiOffsetDb,
    }),
  );

const shelfArbitrary = fc
  .record({
    tags: fc.subarray(EPCS.slice(1)),
    rounds: fc.integer({ min: 0, max: 40 }),
    presence: fc.array(fc.boolean(), { minLength: 256, maxLength: 256 }),
  })
  .map((shelf) =>
    shelfReads(shelf.tags, shelf.rounds, (tag, round) => shelf.presence[(tag * 41 + round) % 256] === true),
  );

const streamArbitrary = fc
  .tuple(fc.array(passArbitrary, { maxLength: 4 }), shelfArbitrary, noiseArbitrary)
  .map(([passes, shelf, noise]) => [...passes.flat(), ...shelf, ...noise].sort((a, b) => a.time - b.time))
  .filter((reads) => reads.length > 0);

const config = dockConfig();
const output = (reads: readonly RawRead[]) =>
  run(config, reads)
    .events.map((event) => JSON.stringify(event))
    .join('\n');

describe('debounce properties', () => {
  it('each tag is in at most one movement per pass, and every event is valid', () => {
    let movements = 0;
    fc.assert(
      fc.property(streamArbitrary, (reads) => {
        const { events } = run(config, reads);
        const seen = new Set<string>();
        for (const event of events) {
          expect(EpcisEventSchema.safeParse(event).success).toBe(true);
          movements++;
          if (event.type !== 'ObjectEvent' || event['stockwire:pass'] === undefined) continue;
          for (const epc of event.epcList) {
            const key = `${String(event['stockwire:pass'])}|${epc}`;
            expect(seen.has(key)).toBe(false);
            seen.add(key);
          }
        }
      }),
      { numRuns: 150 },
    );
    // The generator must exercise real movements, not only noise.
    expect(movements).toBeGreaterThan(150);
  });

  it('is deterministic: the same reads give byte-identical events and ids', () => {
    fc.assert(
      fc.property(streamArbitrary, (reads) => {
        expect(output(reads)).toBe(output(reads.map((read) => ({ ...read }))));
      }),
      { numRuns: 100 },
    );
  });

  it('the order of reads within the same millisecond does not matter', () => {
    fc.assert(
      fc.property(streamArbitrary, fc.nat(), (reads, seed) => {
        // Shuffle inside each millisecond (stable across ms boundaries).
        let state = seed || 1;
        const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        const shuffled = reads
          .map((read) => ({ read, key: random() }))
          .sort((a, b) => a.read.time - b.read.time || a.key - b.key)
          .map((entry) => entry.read);
        expect(output(shuffled)).toBe(output(reads));
      }),
      { numRuns: 150 },
    );
  });

  it('leaves nothing behind after flush (every pass decided, every portal tag released)', () => {
    fc.assert(
      fc.property(streamArbitrary, (reads) => {
        const { engine } = run(config, reads);
        const stats = engine.stats();
        expect(stats.passesOpen).toBe(0);
        expect(stats.parkedTags).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
