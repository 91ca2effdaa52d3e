import { TRUTH_EVENTS_SHRINK, type TruthEvent, type TruthRecord } from '../../../shared/src/contracts/truth.js';
import { absolute, extendValue, ONE_UNIT } from '../ledger/decimal.js';

/**
 * The pure core of the accuracy measurement: the books (positions and EPC
 * whereabouts as of one instant) against the physical truth a simulator recorded.
 * No I/O: the CLI reads the store and the truth file and hands both in.
 *
 * Quantities are scaled BigInt (QUANTITY_SCALE), costs UNIT_COST_SCALE, values
 * MONEY_SCALE, as everywhere in the ledger: no binary float touches a unit or a cent.
 */

export interface BookPosition {
  product: string;
  location: string;
  /** Scaled quantity (QUANTITY_SCALE). */
  qty: bigint;
  /** Scaled unit cost (UNIT_COST_SCALE); 0 when unknown. */
  unitCost: bigint;
}

/** Where the books put one EPC at the instant measured: a location when in stock, else null. */
export interface BookEpc {
  location: string | null;
  /** Event time of the move that put it there (or out of stock). */
  sinceMs: number;
}

export interface AccuracyInput {
  truth: readonly TruthRecord[];
  positions: readonly BookPosition[];
  /** Book whereabouts of every EPC the truth names; an EPC missing here was never booked. */
  epcs: ReadonlyMap<string, BookEpc>;
  atMs: number;
}

export type WrongReason =
  | 'unread'
  | 'theft-not-counted'
  | 'damage-not-counted'
  | 'unpack-not-booked'
  | 'return-not-booked'
  | 'misplacement'
  | 'taken-not-paid'
  | 'sale-not-booked'
  | 'short-ship-booked'
  | 'ship-not-booked'
  | 'booked-elsewhere'
  | 'booked-out-of-stock'
  | 'negative-book'
  | 'booked-here-is-elsewhere'
  | 'unexplained';

export interface PositionResult {
  product: string;
  location: string;
  bookQty: bigint;
  trueQty: bigint;
  /** |book − true| × unit cost, MONEY_SCALE. */
  valueError: bigint;
  reasons: Partial<Record<WrongReason, number>>;
}

export interface AccuracyReport {
  atMs: number;
  records: number;
  matching: number;
  /** Absolute unit error summed over records (QUANTITY_SCALE). */
  unitError: bigint;
  valueError: bigint;
  epcsCompared: number;
  epcsPlacedRight: number;
  shrinkActual: number;
  shrinkDetected: number;
  /** Mean delay from the theft/damage to the books taking the thing out of stock; null when none detected. */
  meanTimeToDetectMs: number | null;
  /** Book positions at locations the truth never mentions (in transit, other sites): not scored. */
  outOfScope: number;
  /** Mismatching positions, largest unit error first. */
  wrong: PositionResult[];
}

interface TruthState {
  product: string | null;
  location: string | null;
  event: TruthEvent;
  timeMs: number;
}

/** Where each EPC physically is at `atMs`: its last truth record at or before it. */
export function truthAt(truth: readonly TruthRecord[], atMs: number): Map<string, TruthState> {
  const states = new Map<string, TruthState>();
  for (const record of truth) {
    const timeMs = Date.parse(record.time);
    if (timeMs > atMs) continue;
    const previous = states.get(record.epc);
    if (previous && previous.timeMs > timeMs) continue;
    states.set(record.epc, { product: record.product, location: record.location, event: record.event, timeMs });
  }
  return states;
}

const key = (product: string, location: string): string => `${product}\u0000${location}`;

/** Why one EPC makes its truth position or its book position wrong. */
function reasonFor(state: TruthState, book: BookEpc | undefined): WrongReason {
  if (state.location !== null) {
    if (!book) return 'unread';
    if (state.event === 'misplace') return 'misplacement';
    // Back in the store after a refund, but the books still have it sold.
    if (state.event === 'return' && book.location === null) return 'return-not-booked';
    // Known to the books but out of stock there: a count missed it (a dead tag) or a sale took it.
    if (book.location === null) return 'booked-out-of-stock';
    return 'booked-elsewhere';
  }
  if (state.event === 'steal') return 'theft-not-counted';
  if (state.event === 'damage') return 'damage-not-counted';
  if (state.event === 'unpack') return 'unpack-not-booked';
  if (state.event === 'take') return 'taken-not-paid';
  if (state.event === 'pay') return 'sale-not-booked';
  if (state.event === 'short-ship') return 'short-ship-booked';
  if (state.event === 'ship') return 'ship-not-booked';
  return 'booked-here-is-elsewhere';
}

/**
 * Where the books put an EPC, within the locations the truth models: in stock elsewhere (in transit,
 * another site) counts as out of this store's stock, as the truth records a shipped case.
 */
function bookedIn(book: BookEpc | undefined, truthLocations: ReadonlySet<string>): string | null {
  const location = book?.location ?? null;
  return location !== null && truthLocations.has(location) ? location : null;
}

function explain(
  states: ReadonlyMap<string, TruthState>,
  epcs: ReadonlyMap<string, BookEpc>,
  truthLocations: ReadonlySet<string>,
): Map<string, Partial<Record<WrongReason, number>>> {
  const reasons = new Map<string, Partial<Record<WrongReason, number>>>();
  const add = (positionKey: string, reason: WrongReason): void => {
    const counts = reasons.get(positionKey) ?? {};
    counts[reason] = (counts[reason] ?? 0) + 1;
    reasons.set(positionKey, counts);
  };
  for (const [epc, state] of states) {
    if (state.product === null) continue;
    const book = epcs.get(epc);
    const bookLocation = bookedIn(book, truthLocations);
    if (bookLocation === state.location) continue;
    const reason = reasonFor(state, book);
    // Both ends of a wrong EPC are wrong positions: where it really is, and where the books put it.
    if (state.location !== null) add(key(state.product, state.location), reason);
    if (bookLocation !== null) add(key(state.product, bookLocation), reason);
  }
  return reasons;
}

export function measureAccuracy(input: AccuracyInput): AccuracyReport {
  const states = truthAt(input.truth, input.atMs);
  const truthLocations = new Set(input.truth.flatMap((record) => (record.location === null ? [] : [record.location])));
  const trueQty = new Map<string, bigint>();
  for (const state of states.values())
    if (state.product !== null && state.location !== null) {
      const positionKey = key(state.product, state.location);
      trueQty.set(positionKey, (trueQty.get(positionKey) ?? 0n) + ONE_UNIT);
    }
  const book = new Map<string, BookPosition>();
  let outOfScope = 0;
  for (const position of input.positions) {
    if (truthLocations.has(position.location)) book.set(key(position.product, position.location), position);
    else if (position.qty !== 0n) outOfScope++;
  }
  const productCost = new Map<string, bigint>();
  for (const position of input.positions)
    if (position.unitCost > 0n && !productCost.has(position.product))
      productCost.set(position.product, position.unitCost);
  const reasons = explain(states, input.epcs, truthLocations);
  const records = new Set([...trueQty.keys(), ...[...book].filter(([, row]) => row.qty !== 0n).map(([k]) => k)]);
  const results: PositionResult[] = [];
  for (const positionKey of [...records].sort()) {
    const [product = '', location = ''] = positionKey.split('\u0000');
    const bookRow = book.get(positionKey);
    const bookQty = bookRow?.qty ?? 0n;
    const truthQty = trueQty.get(positionKey) ?? 0n;
    const unitCost = bookRow && bookRow.unitCost > 0n ? bookRow.unitCost : (productCost.get(product) ?? 0n);
    const valueError = extendValue(absolute(bookQty - truthQty), unitCost);
    results.push({
      product,
      location,
      bookQty,
      trueQty: truthQty,
      valueError,
      reasons: reasons.get(positionKey) ?? {},
    });
  }
  return summarise(input, states, results, outOfScope, truthLocations);
}

function summarise(
  input: AccuracyInput,
  states: ReadonlyMap<string, TruthState>,
  results: readonly PositionResult[],
  outOfScope: number,
  truthLocations: ReadonlySet<string>,
): AccuracyReport {
  const wrong = results
    .filter((result) => result.bookQty !== result.trueQty)
    .map((result) => (Object.keys(result.reasons).length > 0 ? result : { ...result, reasons: unexplained(result) }))
    .sort((a, b) => {
      const difference = absolute(b.bookQty - b.trueQty) - absolute(a.bookQty - a.trueQty);
      return difference > 0n ? 1 : difference < 0n ? -1 : 0;
    });
  let epcsCompared = 0;
  let epcsPlacedRight = 0;
  let shrinkActual = 0;
  const detectDelaysMs: number[] = [];
  for (const [epc, state] of states) {
    if (state.product === null) continue;
    const book = input.epcs.get(epc);
    epcsCompared++;
    if (bookedIn(book, truthLocations) === state.location) epcsPlacedRight++;
    if (!TRUTH_EVENTS_SHRINK.includes(state.event)) continue;
    shrinkActual++;
    if (book && book.location === null) detectDelaysMs.push(Math.max(0, book.sinceMs - state.timeMs));
  }
  return {
    atMs: input.atMs,
    records: results.length,
    matching: results.length - wrong.length,
    unitError: results.reduce((sum, result) => sum + absolute(result.bookQty - result.trueQty), 0n),
    valueError: results.reduce((sum, result) => sum + result.valueError, 0n),
    epcsCompared,
    epcsPlacedRight,
    shrinkActual,
    shrinkDetected: detectDelaysMs.length,
    meanTimeToDetectMs:
      detectDelaysMs.length === 0
        ? null
        : Math.round(detectDelaysMs.reduce((sum, delay) => sum + delay, 0) / detectDelaysMs.length),
    outOfScope,
    wrong,
  };
}

/**
 * A difference no EPC accounts for. A negative book quantity is never physical: units were sold or
 * moved from here that the books did not hold here (a till sale of an EPC a count had booked missing).
 */
function unexplained(result: PositionResult): Partial<Record<WrongReason, number>> {
  const units = Number(absolute(result.bookQty - result.trueQty) / ONE_UNIT);
  return result.bookQty < 0n ? { 'negative-book': units } : { unexplained: 1 };
}
