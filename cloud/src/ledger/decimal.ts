/**
 * Exact decimal arithmetic on BigInt with an explicit scale per kind of number.
 * The ledger never touches binary floats: inputs arrive as decimal strings, are
 * parsed into scaled integers, and leave as decimal strings.
 *
 * Scales (digits after the point):
 * - quantity  3 (a thousandth of a unit: weighed goods; items are whole numbers)
 * - money     4 (a hundredth of a cent: values, journal amounts)
 * - unit cost 6 (input unit costs and reported average costs)
 *
 * Rounding is half-to-even (banker's) wherever a division happens; see
 * docs/ledger.md for where each remainder goes.
 */
export const QUANTITY_SCALE = 3;
export const MONEY_SCALE = 4;
export const UNIT_COST_SCALE = 6;
/** Digits accepted before the point; bounds the size of any number a client can send. */
export const INTEGER_DIGITS_MAX = 15;

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

export type ParseOutcome = { ok: true; value: bigint } | { ok: false; reason: string };

/** Parses a decimal string into an integer scaled by 10^scale; more fraction digits than the scale is an error, not a rounding. */
export function parseScaled(text: string, scale: number, integerDigitsMax = INTEGER_DIGITS_MAX): ParseOutcome {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return { ok: false, reason: `"${text}" is not a decimal number` };
  const [, sign, integerPart = '0', fractionPart = ''] = match;
  const trimmedFraction = fractionPart.replace(/0+$/, '');
  if (trimmedFraction.length > scale) return { ok: false, reason: `"${text}" has more than ${scale} decimal places` };
  if (integerPart.replace(/^0+/, '').length > integerDigitsMax)
    return { ok: false, reason: `"${text}" has more than ${integerDigitsMax} integer digits` };
  const magnitude =
    BigInt(integerPart) * 10n ** BigInt(scale) + BigInt((trimmedFraction + '0'.repeat(scale)).slice(0, scale) || '0');
  return { ok: true, value: sign ? -magnitude : magnitude };
}

/**
 * Parses a value the caller already validated (schema or database); a failure is a bug.
 * No digit limit here: a stored number beyond the ledger's magnitude limit (limits.ts)
 * must stay readable so `check` can report it, instead of every read crashing.
 */
export function parseTrusted(text: string, scale: number): bigint {
  const outcome = parseScaled(text, scale, Number.POSITIVE_INFINITY);
  if (!outcome.ok) throw new Error(`invariant violated: stored decimal ${outcome.reason}`);
  return outcome.value;
}

/** Formats a scaled integer as the shortest exact decimal string ("8", "10.5", "-0.0001"). */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const integerPart = digits.slice(0, digits.length - scale);
  const fractionPart = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fractionPart ? `${integerPart}.${fractionPart}` : integerPart;
  return negative && value !== 0n ? `-${text}` : text;
}

/** numerator / denominator rounded half to even. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new Error('invariant violated: division by zero');
  if (denominator < 0n) return divideRounded(-numerator, -denominator);
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator - quotient * denominator;
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twiceRemainder < denominator) return quotient;
  const away = numerator < 0n ? quotient - 1n : quotient + 1n;
  if (twiceRemainder > denominator) return away;
  return quotient % 2n === 0n ? quotient : away;
}

const QUANTITY_UNIT = 10n ** BigInt(QUANTITY_SCALE);
const UNIT_COST_UNIT = 10n ** BigInt(UNIT_COST_SCALE);
const MONEY_UNIT = 10n ** BigInt(MONEY_SCALE);

/** value (money scale) of `quantity` units at `unitCost`. */
export function extendValue(quantity: bigint, unitCost: bigint): bigint {
  return divideRounded(quantity * unitCost * MONEY_UNIT, QUANTITY_UNIT * UNIT_COST_UNIT);
}

/** The share of `value` that `part` of `whole` carries; the whole always carries exactly the whole value. */
export function proportionalValue(value: bigint, part: bigint, whole: bigint): bigint {
  if (part === whole) return value;
  return divideRounded(value * part, whole);
}

/** Unit cost (unit-cost scale) of `value` spread over `quantity`; 0 when there is no quantity. */
export function unitCostOf(value: bigint, quantity: bigint): bigint {
  if (quantity === 0n) return 0n;
  return divideRounded(value * QUANTITY_UNIT * UNIT_COST_UNIT, quantity * MONEY_UNIT);
}

export const formatQuantity = (value: bigint): string => formatScaled(value, QUANTITY_SCALE);
export const formatMoney = (value: bigint): string => formatScaled(value, MONEY_SCALE);
export const formatUnitCost = (value: bigint): string => formatScaled(value, UNIT_COST_SCALE);
export const ONE_UNIT = QUANTITY_UNIT;

export function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

export function minimum(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
