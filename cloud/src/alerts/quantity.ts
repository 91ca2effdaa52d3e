/**
 * Exact decimal arithmetic on the ledger's decimal strings (e.g. "12", "-3.500"), enough
 * for alert thresholds and suggestions: add, subtract, compare, never binary floats.
 */
interface Scaled {
  units: bigint;
  scale: number;
}

/** A quantity parsed once, for code that adds and compares the same quantities many times (the FIFO tracker). */
export type ExactQty = Readonly<Scaled>;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text.trim());
}

function parse(text: string): Scaled {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal quantity: ${JSON.stringify(text)}`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] === '-' ? -units : units, scale: fraction.length };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.units, b.units, a.scale];
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  if (scale > 0) {
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
  }
  return negative && digits !== '0' ? `-${digits}` : digits;
}

export function addQty(a: string, b: string): string {
  const [left, right, scale] = align(parse(a), parse(b));
  return format(left + right, scale);
}

export function subtractQty(a: string, b: string): string {
  const [left, right, scale] = align(parse(a), parse(b));
  return format(left - right, scale);
}

/** −1, 0 or 1. */
export function compareQty(a: string, b: string): number {
  const [left, right] = align(parse(a), parse(b));
  return left < right ? -1 : left > right ? 1 : 0;
}

export function maxQty(a: string, b: string): string {
  return compareQty(a, b) >= 0 ? normaliseQty(a) : normaliseQty(b);
}

export function sumQty(values: Iterable<string>): string {
  let total = '0';
  for (const value of values) total = addQty(total, value);
  return total;
}

export function negateQty(a: string): string {
  const parsed = parse(a);
  return format(-parsed.units, parsed.scale);
}

/** `a × percent / 100`, exact for percentages given to two decimals (e.g. 2.5). */
export function percentOfQty(a: string, percent: number): string {
  const parsed = parse(a);
  const percentHundredths = BigInt(Math.round(percent * 100));
  // hundredths of a percent = 1/10,000: four more decimal places, no division, no rounding
  return format(parsed.units * percentHundredths, parsed.scale + 4);
}

export function normaliseQty(a: string): string {
  const parsed = parse(a);
  return format(parsed.units, parsed.scale);
}

export const ZERO_QTY: ExactQty = { units: 0n, scale: 0 };

export function parseExactQty(text: string): ExactQty {
  return parse(text);
}

export function formatExactQty(qty: ExactQty): string {
  return format(qty.units, qty.scale);
}

export function addExactQty(a: ExactQty, b: ExactQty): ExactQty {
  const [left, right, scale] = align(a, b);
  return { units: left + right, scale };
}

export function subtractExactQty(a: ExactQty, b: ExactQty): ExactQty {
  const [left, right, scale] = align(a, b);
  return { units: left - right, scale };
}

/** −1, 0 or 1. */
export function compareExactQty(a: ExactQty, b: ExactQty): number {
  const [left, right] = align(a, b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The sign of a quantity: −1, 0 or 1. */
export function signOfExactQty(qty: ExactQty): number {
  return qty.units < 0n ? -1 : qty.units > 0n ? 1 : 0;
}
