import { formatMoney } from '../ledger/decimal.js';
import { ACCOUNTS } from '../ledger/catalog.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { money } from './purchase-orders.js';
import type { PurchaseOrder } from './schemas.js';

/** Journal pages read at most (1,000 lines each) when tying the report out. */
export const GRNI_JOURNAL_PAGES_MAX = 1_000;

export interface GrniReport {
  /** Goods received not invoiced per supplier, from the PO lines (received value − value cleared by invoices). */
  suppliers: { supplier: string; value: string; purchaseOrders: { id: string; value: string }[] }[];
  /** GRNI of ledger transactions no PO knows (receipts at standard cost, returns of unexpected cases, …), from the journal. */
  notOnPurchaseOrders: string;
  /** The GL: the GRNI account's credit balance. */
  glBalance: string;
  /** Σ suppliers + notOnPurchaseOrders − glBalance: 0 when the report ties out. */
  difference: string;
}

/**
 * GRNI by supplier, tied out to the general ledger: the two sides are computed independently
 * (PO documents vs the GRNI journal lines), so a difference means a booking missed its PO.
 */
export async function grniReport(orders: readonly PurchaseOrder[], ledger: LedgerStore): Promise<GrniReport> {
  const linked = new Set<string>();
  const bySupplier = new Map<string, { value: bigint; purchaseOrders: { id: string; value: string }[] }>();
  for (const order of orders) {
    let open = 0n;
    for (const line of order.lines) {
      open += money(line.receivedValue) - money(line.clearedValue);
      for (const booking of line.bookings) linked.add(booking.transactionId);
    }
    for (const invoice of order.invoices) linked.add(`invoice:${invoice}`);
    const entry = bySupplier.get(order.supplier) ?? { value: 0n, purchaseOrders: [] };
    entry.value += open;
    if (open !== 0n) entry.purchaseOrders.push({ id: order.id, value: formatMoney(open) });
    bySupplier.set(order.supplier, entry);
  }
  let unlinked = 0n;
  let after: number | undefined;
  for (let page = 0; page < GRNI_JOURNAL_PAGES_MAX; page++) {
    const lines = await ledger.journal({
      account: ACCOUNTS.grni,
      limit: 1_000,
      ...(after === undefined ? {} : { after }),
    });
    for (const line of lines.items)
      if (!linked.has(line.transactionId)) unlinked += money(line.credit) - money(line.debit);
    if (lines.nextAfter === null) break;
    after = lines.nextAfter;
  }
  const balance = (await ledger.trialBalance()).accounts.find((row) => row.account === ACCOUNTS.grni)?.balance ?? '0';
  const glBalance = -money(balance);
  const attributed = [...bySupplier.values()].reduce((sum, entry) => sum + entry.value, 0n);
  return {
    suppliers: [...bySupplier]
      .map(([supplier, entry]) => ({ supplier, value: formatMoney(entry.value), purchaseOrders: entry.purchaseOrders }))
      .sort((a, b) => (a.supplier < b.supplier ? -1 : 1)),
    notOnPurchaseOrders: formatMoney(unlinked),
    glBalance: formatMoney(glBalance),
    difference: formatMoney(attributed + unlinked - glBalance),
  };
}
