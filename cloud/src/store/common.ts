import type { CloudEvents, PositionChange } from '../events.js';
import { ACCOUNTS, autoRegisterLocation, type Catalog, type Location, type Product } from '../ledger/catalog.js';
import { formatMoney } from '../ledger/decimal.js';
import type { ApplyResult } from '../ledger/state.js';
import type { WorkingState } from '../ledger/working-state.js';
import type { ProductRow, TrialBalance } from './ledger-store.js';

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

/** Emits after commit only, so a listener never sees a change that could still roll back. */
export function emitChanges(events: CloudEvents | undefined, results: readonly ApplyResult[]): void {
  if (!events) return;
  const changes: PositionChange[] = [];
  for (const result of results) if (result.status === 'applied') changes.push(...result.changes);
  if (changes.length > 0) events.emit('positionsChanged', changes);
}

export function trialBalanceOf(rows: readonly { account: string; balance: bigint }[]): TrialBalance {
  let totalDebit = 0n;
  let totalCredit = 0n;
  // Every account that was ever posted to is listed, also when it is back at 0.
  const accounts = rows
    .map((row) => {
      const debit = row.balance > 0n ? row.balance : 0n;
      const credit = row.balance < 0n ? -row.balance : 0n;
      totalDebit += debit;
      totalCredit += credit;
      return { account: row.account, debit: formatMoney(debit), credit: formatMoney(credit), balance: formatMoney(row.balance) };
    });
  return { accounts, totalDebit: formatMoney(totalDebit), totalCredit: formatMoney(totalCredit), balanced: totalDebit === totalCredit };
}

export { ACCOUNTS };
