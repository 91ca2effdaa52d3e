import type { TruthRecord } from '../../../shared/src/contracts/truth.js';
import { parseTrusted, QUANTITY_SCALE, MONEY_SCALE, UNIT_COST_SCALE, unitCostOf } from '../ledger/decimal.js';
import { PAGE_LIMIT_MAX, type LedgerStore } from '../store/ledger-store.js';
import type { BookEpc, BookPosition } from './compare.js';

/**
 * What the books said at one instant, read through the store interface (SQLite or
 * PostgreSQL alike). Positions come from the entries' running balances (the last
 * entry, in booking order, whose event time is at or before the instant), EPC whereabouts from each EPC's
 * move history: both answer "as of --at", not only "now".
 */

export async function bookPositionsAt(store: LedgerStore, atMs: number): Promise<BookPosition[]> {
  const latest = new Map<string, { product: string; location: string; qty: string; value: string }>();
  let after: number | undefined;
  for (;;) {
    const page = await store.entries({ limit: PAGE_LIMIT_MAX, ...(after === undefined ? {} : { after }) });
    for (const entry of page.items) {
      if (Date.parse(entry.time) > atMs) continue;
      // The running balance in booking order, as the ledger itself keeps it (late events included).
      latest.set(`${entry.product}\u0000${entry.location}`, {
        product: entry.product,
        location: entry.location,
        qty: entry.qtyAfter,
        value: entry.valueAfter,
      });
    }
    if (page.nextAfter === null) break;
    after = page.nextAfter;
  }
  return [...latest.values()].map((row) => {
    const qty = parseTrusted(row.qty, QUANTITY_SCALE);
    const value = parseTrusted(row.value, MONEY_SCALE);
    return { product: row.product, location: row.location, qty, unitCost: qty > 0n ? unitCostOf(value, qty) : 0n };
  });
}

/** Current positions, exact (the store's own stock view). */
export async function bookPositionsNow(store: LedgerStore): Promise<BookPosition[]> {
  return (await store.stock()).map((row) => ({
    product: row.product,
    location: row.location,
    qty: parseTrusted(row.qty, QUANTITY_SCALE),
    unitCost: parseTrusted(row.unitCost, UNIT_COST_SCALE),
  }));
}

export async function bookEpcsAt(
  store: LedgerStore,
  truth: readonly TruthRecord[],
  atMs: number,
): Promise<Map<string, BookEpc>> {
  const epcs = new Map<string, BookEpc>();
  for (const epc of new Set(truth.filter((record) => record.product !== null).map((record) => record.epc))) {
    const { history } = await store.epcHistory(epc);
    let last: BookEpc | undefined;
    for (const row of history) {
      const timeMs = Date.parse(row.time);
      if (timeMs > atMs) continue;
      last = { location: row.status === 'in_stock' ? row.location : null, sinceMs: timeMs };
    }
    if (last) epcs.set(epc, last);
  }
  return epcs;
}
