import { ACCOUNTS, autoRegisterLocation, type Catalog, type Location, type Product } from '../ledger/catalog.js';
import { formatMoney, formatQuantity } from '../ledger/decimal.js';
import type { Position, TransactionRecord } from '../ledger/state.js';
import type { WorkingState } from '../ledger/working-state.js';
import {
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  type EpcRow,
  type Page,
  type ProductRow,
  type SaleRecord,
  type StockFilter,
  type StockRow,
  type TransactionView,
  type TrialBalance,
} from './ledger-store.js';
import {
  epcRowView,
  parseQuantity,
  positionFromRow,
  stockRow,
  type EpcColumns,
  type MoveColumns,
  type PositionColumns,
} from './records.js';

/**
 * The catalog as a store sees it: the configured YAML catalog plus products
 * declared by transactions and locations registered on first use (both persisted
 * and loaded at open; few enough to keep in memory).
 */
export class StoreCatalog {
  private readonly products = new Map<string, Product>();
  private readonly skus = new Map<string, string>();
  private readonly locations = new Map<string, Location>();

  constructor(catalog: Catalog) {
    for (const product of catalog.products.values()) this.putProduct(product);
    for (const location of catalog.locations.values()) this.putLocation(location);
  }

  putProduct(product: Product): void {
    this.products.set(product.gtin, product);
    if (product.sku !== undefined) this.skus.set(product.sku, product.gtin);
  }

  putLocation(location: Location): void {
    this.locations.set(location.id, location);
  }

  /** Takes in what a committed batch declared or registered. */
  absorb(state: WorkingState): void {
    for (const product of state.products.values()) this.putProduct(product);
    for (const location of state.locations.values()) this.putLocation(location);
  }

  product(gtin: string): Product | undefined {
    return this.products.get(gtin);
  }

  productBySku(sku: string): string | undefined {
    return this.skus.get(sku);
  }

  resolveProduct(key: string): string | undefined {
    return this.products.has(key) ? key : this.skus.get(key);
  }

  location(id: string): Location | undefined {
    return this.locations.get(id);
  }

  inventoryAccountOf(location: string): string {
    return (this.locations.get(location) ?? autoRegisterLocation(location)).inventoryAccount;
  }

  allProducts(): ProductRow[] {
    return [...this.products.values()].sort((a, b) => (a.gtin < b.gtin ? -1 : 1)).map((product) => ({ ...product }));
  }

  allLocations(): Location[] {
    return [...this.locations.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}

export function trialBalanceOf(rows: readonly { account: string; balance: bigint }[]): TrialBalance {
  let totalDebit = 0n;
  let totalCredit = 0n;
  // Every account that was ever posted to is listed, also when it is back at 0.
  const accounts = rows.map((row) => {
    const debit = row.balance > 0n ? row.balance : 0n;
    const credit = row.balance < 0n ? -row.balance : 0n;
    totalDebit += debit;
    totalCredit += credit;
    return {
      account: row.account,
      debit: formatMoney(debit),
      credit: formatMoney(credit),
      balance: formatMoney(row.balance),
    };
  });
  return {
    accounts,
    totalDebit: formatMoney(totalDebit),
    totalCredit: formatMoney(totalCredit),
    balanced: totalDebit === totalCredit,
  };
}

export function pageLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(limit ?? PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX));
}

/** `rows` holds up to limit + 1 rows: the extra one only tells that another page follows. */
export function page<T extends { seq: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextAfter: rows.length > limit ? (items[items.length - 1]?.seq ?? null) : null };
}

export function matchesStock(position: Position, filter: StockFilter, location: Location | undefined): boolean {
  if (filter.product !== undefined && position.product !== filter.product) return false;
  if (filter.location !== undefined && position.location !== filter.location) return false;
  if (filter.site !== undefined && location?.site !== filter.site) return false;
  if (filter.kind !== undefined && location?.kind !== filter.kind) return false;
  return true;
}

/** A stock filter may name a product by SKU; the stores query and match by GTIN. */
export function resolveStockFilter(catalog: StoreCatalog, filter: StockFilter): StockFilter {
  const product = filter.product === undefined ? undefined : (catalog.resolveProduct(filter.product) ?? filter.product);
  return { ...filter, ...(product === undefined ? {} : { product }) };
}

/** The position rows a store selected by product/location, narrowed by site/kind and shaped for the API. */
export function stockRowsOf(
  rows: readonly PositionColumns[],
  resolvedFilter: StockFilter,
  catalog: StoreCatalog,
): StockRow[] {
  return rows
    .map((row) => positionFromRow(row))
    .filter((position) => matchesStock(position, resolvedFilter, catalog.location(position.location)))
    .map((position) => stockRow(position, catalog.location(position.location)));
}

/** The EPC's current state takes when and by what from its last move. */
export function epcHistoryOf(
  epc: string,
  current: EpcColumns,
  moves: readonly MoveColumns[],
): { current: EpcRow; history: EpcRow[] } {
  const last = moves[moves.length - 1];
  return {
    current: epcRowView({ ...current, transaction_id: last?.transaction_id ?? '', time_ms: last?.time_ms ?? 0 }),
    history: moves.map((move) => epcRowView({ ...move, epc })),
  };
}

/** Pairs EPC state rows with their last move (found by `lastSeq`) for the EpcRow view. */
export function epcsWithLastMove<Row extends EpcColumns>(
  rows: readonly Row[],
  lastMoves: readonly MoveColumns[],
  lastSeq: (row: Row) => number,
): EpcRow[] {
  const bySeq = new Map(lastMoves.map((move) => [Number(move.seq), move] as const));
  return rows.map((row) => {
    const move = bySeq.get(lastSeq(row));
    return epcRowView({ ...row, transaction_id: move?.transaction_id ?? '', time_ms: move?.time_ms ?? 0 });
  });
}

export function transactionView(record: TransactionRecord): TransactionView {
  return {
    id: record.id,
    type: record.type,
    time: new Date(record.timeMs).toISOString(),
    recordedTime: new Date(record.recordedMs).toISOString(),
    payload: record.payload,
    result: record.result,
    ...(record.reversedBy === undefined ? {} : { reversedBy: record.reversedBy }),
  };
}

/** Sale entries (oldest first) as the forecast reads them; the site filter goes through the catalog. */
export function saleRecordsOf(
  rows: readonly { transaction_id: string; location: string; qty_delta: string; time_ms: number | string }[],
  site: string | undefined,
  catalog: StoreCatalog,
): SaleRecord[] {
  return rows
    .filter((row) => site === undefined || catalog.location(row.location)?.site === site)
    .map((row) => ({
      time: new Date(Number(row.time_ms)).toISOString(),
      timeMs: Number(row.time_ms),
      location: row.location,
      qty: formatQuantity(-parseQuantity(row.qty_delta)),
      transactionId: row.transaction_id,
    }));
}

export { ACCOUNTS };
