import { formatQuantity, parseTrusted, QUANTITY_SCALE } from '../ledger/decimal.js';
import type { StockRow } from '../store/ledger-store.js';

/**
 * `/stock` with reservations: each row gets `reserved` (holds at that location) and `available` = on hand −
 * reserved, never below 0. Site-wide holds pin no location: they show in `GET /reservations` and the site view.
 */
export function withReservations(
  rows: readonly StockRow[],
  demand: readonly { product: string; location?: string; qty: string }[],
): (StockRow & { reserved: string })[] {
  const reservedAt = locationHolds(demand);
  return rows.map((row) => {
    const reserved = reservedAt.get(`${row.product}|${row.location}`) ?? 0n;
    const available = parseTrusted(row.qty, QUANTITY_SCALE) - reserved;
    return { ...row, reserved: formatQuantity(reserved), available: formatQuantity(available > 0n ? available : 0n) };
  });
}

function locationHolds(demand: readonly { product: string; location?: string; qty: string }[]): Map<string, bigint> {
  const reservedAt = new Map<string, bigint>();
  for (const line of demand)
    if (line.location !== undefined) {
      const key = `${line.product}|${line.location}`;
      reservedAt.set(key, (reservedAt.get(key) ?? 0n) + parseTrusted(line.qty, QUANTITY_SCALE));
    }
  return reservedAt;
}

/** The analytics positions with `availableQty` = on hand − location holds (low stock and the dashboard use it). */
export function withAvailable<T extends { product: string; location: string; qty: string }>(
  positions: readonly T[],
  demand: readonly { product: string; location?: string; qty: string }[],
): (T & { availableQty: string })[] {
  const reservedAt = locationHolds(demand);
  return positions.map((position) => {
    const available =
      parseTrusted(position.qty, QUANTITY_SCALE) - (reservedAt.get(`${position.product}|${position.location}`) ?? 0n);
    return { ...position, availableQty: formatQuantity(available > 0n ? available : 0n) };
  });
}
