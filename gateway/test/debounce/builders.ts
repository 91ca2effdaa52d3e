import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { encodeSgtin96, encodeSscc96 } from '../../../shared/src/epc/index.js';
import { DebounceConfigSchema, type DebounceConfig, type DebounceConfigInput } from '../../src/debounce/config.js';
import { createDebounceEngine } from '../../src/debounce/engine.js';
import { runReads } from '../../src/debounce/simulate.js';

/** Small builders for scenario tests: a two-door dock, a shelf, and reads that look like real passes. */
export const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
export const SITE = 'store-1';
export const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
export const IN_TRANSIT = 'urn:stockwire:loc:store-1:in-transit';
export const SHELF_LOCATION = 'urn:stockwire:loc:store-1:shelf-a1';

export function sgtin(serial: number, item = '812345'): string {
  return encodeSgtin96({ filter: 1, companyPrefix: '0614141', indicatorAndItemReference: item, serial });
}

export function sscc(serial: number): string {
  return encodeSscc96({
    filter: 2,
    companyPrefix: '0614141',
    extensionAndSerialReference: String(serial).padStart(10, '0'),
  });
}

export function dockConfig(overrides: Partial<DebounceConfigInput> = {}): DebounceConfig {
  return DebounceConfigSchema.parse({
    portals: [
      {
        id: 'door-1',
        inboundLocation: BACKROOM,
        outboundLocation: IN_TRANSIT,
        antennas: [
          { reader: 'dock', antenna: 1, side: 'outside' },
          { reader: 'dock', antenna: 2, side: 'inside' },
        ],
        neighbours: ['door-2'],
      },
      {
        id: 'door-2',
        inboundLocation: BACKROOM,
        outboundLocation: IN_TRANSIT,
        antennas: [
          { reader: 'dock', antenna: 3, side: 'outside' },
          { reader: 'dock', antenna: 4, side: 'inside' },
        ],
      },
    ],
    shelves: [
      {
        id: 'shelf-a1',
        location: SHELF_LOCATION,
        antennas: [{ reader: 'shelf', antenna: 1 }],
        countIntervalMs: 60_000,
      },
    ],
    ...overrides,
  });
}

export type Door = 'door-1' | 'door-2';
const DOOR_ANTENNAS: Record<Door, { outside: number; inside: number }> = {
  'door-1': { outside: 1, inside: 2 },
  'door-2': { outside: 3, inside: 4 },
};

export interface PassOptions {
  epcs: readonly string[];
  door?: Door;
  direction: 'inbound' | 'outbound' | 'in-and-back';
  startMs: number;
  durationMs?: number;
  stepMs?: number;
  /** Added to every RSSI (e.g. −20 for the neighbouring door's weak view). */
  rssiOffsetDb?: number;
}

/**
 * A load crossing the door: the side it comes from reads strongly first and
 * fades, the side it goes to grows and reads last. `in-and-back`: enters, then
 * reverses out the way it came.
 */
export function passReads(options: PassOptions): RawRead[] {
  const { epcs, door = 'door-1', direction, startMs, durationMs = 4_000, stepMs = 100, rssiOffsetDb = 0 } = options;
  const antennas = DOOR_ANTENNAS[door];
  const reads: RawRead[] = [];
  for (let elapsed = 0; elapsed <= durationMs; elapsed += stepMs) {
    let progress = elapsed / durationMs;
    if (direction === 'in-and-back') progress = progress < 0.5 ? progress * 1.2 : (1 - progress) * 1.2;
    const fromSide = direction === 'outbound' ? antennas.inside : antennas.outside;
    const toSide = direction === 'outbound' ? antennas.outside : antennas.inside;
    epcs.forEach((epc, index) => {
      const time = startMs + elapsed + (index % 7);
      if (progress < 0.7)
        reads.push({
          epc,
          antenna: fromSide,
          rssi: Math.round(-45 - 25 * progress + rssiOffsetDb),
          time,
          reader: 'dock',
        });
      if (progress > 0.3)
        reads.push({
          epc,
          antenna: toSide,
          rssi: Math.round(-70 + 25 * progress + rssiOffsetDb),
          time,
          reader: 'dock',
        });
    });
  }
  return reads.sort((a, b) => a.time - b.time);
}

/** Shelf reads: each tag read once per round in the rounds where `present(tag, round)` holds. */
export function shelfReads(
  epcs: readonly string[],
  rounds: number,
  present: (epcIndex: number, round: number) => boolean,
  startMs = T0,
  roundMs = 1_000,
): RawRead[] {
  const reads: RawRead[] = [];
  for (let round = 0; round < rounds; round++) {
    epcs.forEach((epc, index) => {
      if (present(index, round))
        reads.push({ epc, antenna: 1, rssi: -50, time: startMs + round * roundMs + 100 + index, reader: 'shelf' });
    });
  }
  return reads;
}

export function run(config: DebounceConfig, reads: readonly RawRead[]) {
  const engine = createDebounceEngine(config, { siteId: SITE, gatewayId: 'gw-1' });
  const events = runReads(engine, config, reads);
  return { engine, events };
}
