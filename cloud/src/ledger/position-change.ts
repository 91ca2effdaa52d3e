/**
 * The ledger's output: one line per (transaction, product, location) whose position a committed
 * transaction changed. It lives in the ledger (the core produces it); the cloud shell announces it
 * as `positionsChanged` (cloud/src/events.ts) for analytics, alerts and the dashboard.
 */
export interface PositionChange {
  product: string; // GTIN-14
  location: string;
  qtyDelta: string; // decimal strings: exact
  valueDelta: string;
  qtyAfter: string;
  valueAfter: string;
  kind: string; // receipt, sale, transfer_in, transfer_out, count, adjustment, …
  transactionId: string;
  time: string; // ISO 8601 event time
}
