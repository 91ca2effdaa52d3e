import { formatScaled, INTEGER_DIGITS_MAX, MONEY_SCALE, QUANTITY_SCALE, UNIT_COST_SCALE } from './decimal.js';

/**
 * The one magnitude limit of the ledger: every quantity, unit cost, value and stored
 * sum (position quantity and value, FIFO layers, entry deltas and "after" columns,
 * journal amounts, account balances) stays below 10^15 units of its kind in absolute
 * value, i.e. at most INTEGER_DIGITS_MAX (15) digits before the point. That is what
 * an input may carry (decimal.ts parseScaled), so a result that passes the limit is
 * refused before anything is written, instead of being stored and then failing on
 * every later read. 10^15 keeps every sum an exact integer in any SQL NUMERIC, in
 * JavaScript's BigInt and in a spreadsheet's 15 significant digits (the cents of a
 * value up to 10^13 still read right).
 *
 * Pure: the engine calls `firstExcess` from Booking.finish (every posting path goes
 * through it) and the invariant checker calls it on stored rows, so `check` reports
 * data written by an older version that exceeds the limit instead of crashing.
 */
export type MagnitudeKind = 'quantity' | 'unitCost' | 'money';

const SCALE_OF: Record<MagnitudeKind, number> = {
  quantity: QUANTITY_SCALE,
  unitCost: UNIT_COST_SCALE,
  money: MONEY_SCALE,
};

/** Exclusive bound on the scaled integer of each kind: 10^(15 + scale). */
export const MAGNITUDE_BOUND: Readonly<Record<MagnitudeKind, bigint>> = Object.freeze({
  quantity: 10n ** BigInt(INTEGER_DIGITS_MAX + QUANTITY_SCALE),
  unitCost: 10n ** BigInt(INTEGER_DIGITS_MAX + UNIT_COST_SCALE),
  money: 10n ** BigInt(INTEGER_DIGITS_MAX + MONEY_SCALE),
});

/** The largest magnitude of a kind as text, for messages and docs ("999999999999999.999"). */
export function magnitudeMaxText(kind: MagnitudeKind): string {
  return formatScaled(MAGNITUDE_BOUND[kind] - 1n, SCALE_OF[kind]);
}

export function withinLimit(kind: MagnitudeKind, value: bigint): boolean {
  const bound = MAGNITUDE_BOUND[kind];
  return value < bound && value > -bound;
}

export interface MagnitudeCheck {
  /** What the number is, e.g. "value after of 0400… at store-1:backroom". */
  what: string;
  kind: MagnitudeKind;
  value: bigint;
}

export interface MagnitudeExcess extends MagnitudeCheck {
  /** The number as a decimal string. */
  text: string;
  /** The limit as a decimal string. */
  limitText: string;
}

/** The first number beyond the limit, or undefined when all are within it. */
export function firstExcess(checks: Iterable<MagnitudeCheck>): MagnitudeExcess | undefined {
  for (const check of checks) {
    if (withinLimit(check.kind, check.value)) continue;
    return { ...check, text: formatScaled(check.value, SCALE_OF[check.kind]), limitText: magnitudeMaxText(check.kind) };
  }
  return undefined;
}
