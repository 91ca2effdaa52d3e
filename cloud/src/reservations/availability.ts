import { formatQuantity, parseTrusted, QUANTITY_SCALE } from '../ledger/decimal.js';
import type { ReservationLine, ReservationRecord } from './contract.js';

/**
 * The pure available-to-promise decision. available = on hand − reserved, per product, at the site and (for a
 * location reservation) at the location too; a line is promised only when both cover it, unless the product
 * allows backorders (then the shortfall is promised as `backorderedQty`). Expired holds never count.
 */

export interface AvailabilityInput {
  lines: readonly { product: string; qty: string }[];
  location: string | undefined;
  /** On hand per product in the site (sellable locations) and at the location. */
  onHandSite: ReadonlyMap<string, bigint>;
  onHandLocation: ReadonlyMap<string, bigint>;
  /** Open, unexpired reservations of the site. */
  open: readonly ReservationRecord[];
  allowsBackorder: (product: string) => boolean;
}

export type AvailabilityDecision =
  | { kind: 'promised'; lines: ReservationLine[] }
  | { kind: 'unavailable'; lines: { product: string; requested: string; available: string }[] };

const quantity = (text: string): bigint => parseTrusted(text, QUANTITY_SCALE);

export function reservedQty(open: readonly ReservationRecord[], product: string, location?: string): bigint {
  let total = 0n;
  for (const record of open) {
    if (location !== undefined && record.location !== location) continue;
    for (const line of record.lines) if (line.product === product) total += quantity(line.qty);
  }
  return total;
}

export function decideReservation(input: AvailabilityInput): AvailabilityDecision {
  const promised: ReservationLine[] = [];
  const short: { product: string; requested: string; available: string }[] = [];
  for (const line of input.lines) {
    const wanted = quantity(line.qty);
    const atSite = (input.onHandSite.get(line.product) ?? 0n) - reservedQty(input.open, line.product);
    const atLocation =
      input.location === undefined
        ? atSite
        : (input.onHandLocation.get(line.product) ?? 0n) - reservedQty(input.open, line.product, input.location);
    const available = atSite < atLocation ? atSite : atLocation;
    const covered = available > 0n ? available : 0n;
    if (wanted <= covered) promised.push({ product: line.product, qty: line.qty, backorderedQty: '0' });
    else if (input.allowsBackorder(line.product))
      promised.push({ product: line.product, qty: line.qty, backorderedQty: formatQuantity(wanted - covered) });
    else short.push({ product: line.product, requested: line.qty, available: formatQuantity(covered) });
  }
  return short.length > 0 ? { kind: 'unavailable', lines: short } : { kind: 'promised', lines: promised };
}
