import { describe, expect, it } from 'vitest';
import type { TruthRecord } from '../../../shared/src/contracts/truth.js';
import { measureAccuracy, type BookEpc, type BookPosition } from '../../src/accuracy/compare.js';
import { formatAccuracyReport } from '../../src/accuracy/format.js';
import {
  formatMoney,
  formatQuantity,
  parseTrusted,
  QUANTITY_SCALE,
  UNIT_COST_SCALE,
} from '../../src/ledger/decimal.js';

const GTIN = '00614141200016';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const T0 = Date.parse('2026-03-02T08:00:00Z');
const epc = (serial: number) => `urn:epc:id:sgtin:0614141.020001.${serial}`;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function truth(serial: number, minutes: number, event: TruthRecord['event'], location: string | null): TruthRecord {
  return { time: at(minutes), event, epc: epc(serial), product: GTIN, location };
}
function position(location: string, qty: string, unitCost = '2.50'): BookPosition {
  return {
    product: GTIN,
    location,
    qty: parseTrusted(qty, QUANTITY_SCALE),
    unitCost: parseTrusted(unitCost, UNIT_COST_SCALE),
  };
}
const booked = (entries: Array<[number, string | null, number]>): Map<string, BookEpc> =>
  new Map(entries.map(([serial, location, minutes]) => [epc(serial), { location, sinceMs: T0 + minutes * 60_000 }]));

const twoOnShelf = [truth(1, 0, 'shelve', SHELF), truth(2, 0, 'shelve', SHELF)];
/** The books' side of twoOnShelf: both EPCs booked on the shelf since the start. */
const bookedOnShelf = () =>
  booked([
    [1, SHELF, 0],
    [2, SHELF, 0],
  ]);

interface Case {
  name: string;
  truth: TruthRecord[];
  positions: BookPosition[];
  epcs: Map<string, BookEpc>;
  atMinutes?: number;
  expected: {
    records: number;
    matching: number;
    unitError: string;
    valueError: string;
    epcsPlacedRight: number;
    epcsCompared: number;
    shrink?: [detected: number, actual: number, meanMs: number | null];
    reasons?: Record<string, number>;
  };
}

/** One record, right in units and in EPC placement. */
const ALL_RIGHT: Case['expected'] = {
  records: 1,
  matching: 1,
  unitError: '0',
  valueError: '0',
  epcsPlacedRight: 2,
  epcsCompared: 2,
};
/** One record one unit (2.50) off, one of its two EPCs placed wrong: the reasons say why. */
const ONE_UNIT_OFF: Case['expected'] = {
  ...ALL_RIGHT,
  matching: 0,
  unitError: '1',
  valueError: '2.5',
  epcsPlacedRight: 1,
};

const cases: Case[] = [
  {
    name: 'exact match',
    truth: twoOnShelf,
    positions: [position(SHELF, '2')],
    epcs: bookedOnShelf(),
    expected: ALL_RIGHT,
  },
  {
    name: 'unread item: never booked',
    truth: twoOnShelf,
    positions: [position(SHELF, '1')],
    epcs: booked([[1, SHELF, 0]]),
    expected: {
      ...ONE_UNIT_OFF,
      reasons: { unread: 1 },
    },
  },
  {
    name: 'theft not yet counted',
    truth: [...twoOnShelf, truth(2, 30, 'steal', null)],
    positions: [position(SHELF, '2')],
    epcs: bookedOnShelf(),
    expected: {
      ...ONE_UNIT_OFF,
      shrink: [0, 1, null],
      reasons: { 'theft-not-counted': 1 },
    },
  },
  {
    name: 'theft detected 90 minutes later by a count',
    truth: [...twoOnShelf, truth(2, 30, 'steal', null)],
    positions: [position(SHELF, '1')],
    epcs: booked([
      [1, SHELF, 0],
      [2, null, 120],
    ]),
    expected: {
      records: 1,
      matching: 1,
      unitError: '0',
      valueError: '0',
      epcsPlacedRight: 2,
      epcsCompared: 2,
      shrink: [1, 1, 90 * 60_000],
    },
  },
  {
    name: 'misplacement: two wrong positions, one on each end',
    truth: [...twoOnShelf, truth(2, 10, 'misplace', BACKROOM)],
    positions: [position(SHELF, '2')],
    epcs: bookedOnShelf(),
    expected: {
      records: 2,
      matching: 0,
      unitError: '2',
      valueError: '5',
      epcsPlacedRight: 1,
      epcsCompared: 2,
      reasons: { misplacement: 1 },
    },
  },
  {
    name: 'taken by a shopper, not yet paid',
    truth: [...twoOnShelf, truth(1, 5, 'take', null)],
    positions: [position(SHELF, '2')],
    epcs: bookedOnShelf(),
    expected: {
      ...ONE_UNIT_OFF,
      reasons: { 'taken-not-paid': 1 },
    },
  },
  {
    name: '--at before the theft: the books were right then',
    truth: [...twoOnShelf, truth(2, 30, 'steal', null)],
    positions: [position(SHELF, '2')],
    epcs: bookedOnShelf(),
    atMinutes: 20,
    expected: ALL_RIGHT,
  },
  {
    name: 'short-shipped case received on the ASN’s word',
    truth: [truth(3, 0, 'short-ship', null), truth(4, 0, 'arrive', BACKROOM), ...twoOnShelf],
    positions: [position(SHELF, '2'), position(BACKROOM, '2')],
    epcs: booked([
      [1, SHELF, 0],
      [2, SHELF, 0],
      [3, BACKROOM, 0],
      [4, BACKROOM, 0],
    ]),
    expected: {
      records: 2,
      matching: 1,
      unitError: '1',
      valueError: '2.5',
      epcsPlacedRight: 3,
      epcsCompared: 4,
      reasons: { 'short-ship-booked': 1 },
    },
  },
  {
    name: 'books hold stock the truth never had (phantom)',
    truth: [truth(1, 0, 'arrive', BACKROOM), ...twoOnShelf],
    positions: [position(SHELF, '2'), position(BACKROOM, '3', '1.10')],
    epcs: bookedOnShelf(),
    expected: {
      records: 2,
      matching: 1,
      unitError: '3',
      valueError: '3.3',
      epcsPlacedRight: 2,
      epcsCompared: 2,
      reasons: { unexplained: 1 },
    },
  },
  {
    name: 'case opened, unpack not booked: the books still hold the case',
    truth: [truth(1, 0, 'arrive', BACKROOM), truth(1, 10, 'unpack', null)],
    positions: [position(BACKROOM, '1')],
    epcs: booked([[1, BACKROOM, 0]]),
    expected: {
      records: 1,
      matching: 0,
      unitError: '1',
      valueError: '2.5',
      epcsPlacedRight: 0,
      epcsCompared: 1,
      reasons: { 'unpack-not-booked': 1 },
    },
  },
  {
    name: 'return not booked: back in the backroom, the books have it sold',
    truth: [
      truth(1, 0, 'shelve', SHELF),
      truth(1, 5, 'take', null),
      truth(1, 6, 'pay', null),
      truth(1, 60, 'return', BACKROOM),
    ],
    positions: [],
    epcs: booked([[1, null, 6]]),
    expected: {
      records: 1,
      matching: 0,
      unitError: '1',
      valueError: '0', // no book position, no unit cost known
      epcsPlacedRight: 0,
      epcsCompared: 1,
      reasons: { 'return-not-booked': 1 },
    },
  },
];

describe('measureAccuracy', () => {
  it.each(cases)('$name', (testCase) => {
    const report = measureAccuracy({
      truth: testCase.truth,
      positions: testCase.positions,
      epcs: testCase.epcs,
      atMs: T0 + (testCase.atMinutes ?? 600) * 60_000,
    });
    const { shrink, reasons, ...expected } = testCase.expected;
    expect({
      records: report.records,
      matching: report.matching,
      unitError: formatQuantity(report.unitError),
      valueError: formatMoney(report.valueError),
      epcsPlacedRight: report.epcsPlacedRight,
      epcsCompared: report.epcsCompared,
    }).toEqual(expected);
    if (shrink) expect([report.shrinkDetected, report.shrinkActual, report.meanTimeToDetectMs]).toEqual(shrink);
    if (reasons) for (const wrong of report.wrong) expect(wrong.reasons).toEqual(reasons);
  });

  it('ignores book positions at locations the truth does not model, and counts them', () => {
    const report = measureAccuracy({
      truth: twoOnShelf,
      positions: [position(SHELF, '2'), position('urn:stockwire:loc:store-1:in-transit', '12')],
      epcs: bookedOnShelf(),
      atMs: T0 + 3_600_000,
    });
    expect({ records: report.records, matching: report.matching, outOfScope: report.outOfScope }).toEqual({
      records: 1,
      matching: 1,
      outOfScope: 1,
    });
  });

  it('prints the published anchors and the positions most wrong with why', () => {
    const report = measureAccuracy({
      truth: [...twoOnShelf, truth(2, 30, 'steal', null)],
      positions: [position(SHELF, '2')],
      epcs: bookedOnShelf(),
      atMs: T0 + 3_600_000,
    });
    const text = formatAccuracyReport(report, 10);
    expect(text).toContain('IRA (product × location exact match)  0.0 %  (0/1 records)');
    expect(text).toContain('≈ 65 %');
    expect(text).toContain('≈ 94 %');
    expect(text).toContain(`${GTIN} @ ${SHELF}: book 2, true 1 — 1 theft not yet counted`);
  });
});

describe('EPCs booked outside the modelled locations', () => {
  it('count as out of stock: a shipped case booked in transit is placed right', () => {
    const report = measureAccuracy({
      truth: [truth(1, 0, 'arrive', BACKROOM), truth(1, 60, 'ship', null)],
      positions: [position('urn:stockwire:loc:store-1:in-transit', '1')],
      epcs: booked([[1, 'urn:stockwire:loc:store-1:in-transit', 61]]),
      atMs: T0 + 3_600_000,
    });
    expect({ placed: report.epcsPlacedRight, compared: report.epcsCompared, outOfScope: report.outOfScope }).toEqual({
      placed: 1,
      compared: 1,
      outOfScope: 1,
    });
  });
});
