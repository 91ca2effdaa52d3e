import type { Location, Product } from './catalog.js';
import type { PositionChange } from './position-change.js';

/**
 * The ledger's records as plain data (BigInt scaled numbers, see decimal.ts),
 * and the working state the pure engine reads and writes. Stores load records
 * into a StateSource, run the engine on a WorkingState over it and persist
 * what the working state collected. No I/O here.
 */

export interface Layer {
  /** Quantity scale; negative only for the single layer of a position in negative stock. */
  qty: bigint;
  /** Money scale; the exact value of the remaining layer (no unit cost is stored, so nothing drifts). */
  value: bigint;
  /** Transaction that brought the layer in (supplier returns and reversals find it by this). */
  sourceId: string;
}

export interface Position {
  product: string;
  location: string;
  qty: bigint;
  value: bigint;
  layers: readonly Layer[];
  /** Entries ever booked here; 0 means a count is the initial count that opens the books. */
  entryCount: number;
  /** Event time of the last count; movements older than it are compensated (late-event policy). */
  lastCountMs: number | null;
  /** EPCs in stock here; never more than a positive qty. */
  epcCount: number;
}

export const EPC_STATUSES = ['in_stock', 'sold', 'shipped', 'missing'] as const;
export type EpcStatus = (typeof EPC_STATUSES)[number];

export interface EpcRecord {
  epc: string;
  product: string;
  /** Where it is (in_stock) or was last (sold, shipped, missing). */
  location: string;
  status: EpcStatus;
  transactionId: string;
  timeMs: number;
}

/**
 * One move of a set of EPCs (same transaction, product, place and status). The
 * history of an EPC is the list of moves it took part in, kept on its state row:
 * one row write per item-level line instead of two.
 */
export interface EpcMove {
  transactionId: string;
  product: string;
  location: string;
  status: EpcStatus;
  timeMs: number;
  recordedMs: number;
  epcCount: number;
}

export type EntryKind =
  | 'receipt'
  | 'sale'
  | 'customer_return'
  | 'supplier_return'
  | 'transfer_out'
  | 'transfer_in'
  | 'adjustment'
  | 'count'
  | 'reversal'
  | 'unpack_out'
  | 'unpack_in';

export interface Entry {
  transactionId: string;
  product: string;
  location: string;
  kind: EntryKind;
  qtyDelta: bigint;
  valueDelta: bigint;
  qtyAfter: bigint;
  valueAfter: bigint;
  timeMs: number;
  recordedMs: number;
  /** Set on reversal entries: the transaction they cancel. */
  reverses?: string;
  /**
   * Layer provenance: the layers this entry put into the position and took out of it
   * (quantity, exact value, source id), so a reversal restores exactly these.
   * Absent on entries written before provenance was recorded.
   */
  layersIn?: readonly Layer[];
  layersOut?: readonly Layer[];
}

export interface JournalLine {
  transactionId: string;
  account: string;
  /** Money scale; exactly one of debit/credit is non-zero. */
  debit: bigint;
  credit: bigint;
  timeMs: number;
  recordedMs: number;
}

export type ApplyStatus = 'applied' | 'duplicate' | 'rejected' | 'conflict';

export interface ApplyResult {
  id: string;
  status: ApplyStatus;
  code?: string;
  reason?: string;
  qtyDelta: string;
  valueDelta: string;
  changes: PositionChange[];
  flags?: string[];
}

export interface TransactionRecord {
  id: string;
  type: string;
  /** sha-256 of the canonical JSON of the validated payload: same id + other hash = conflict. */
  payloadHash: string;
  payload: unknown;
  timeMs: number;
  recordedMs: number;
  result: ApplyResult;
  reversedBy?: string;
}

export function positionKey(product: string, location: string): string {
  return `${product}\u0000${location}`;
}

export function emptyPosition(product: string, location: string): Position {
  return { product, location, qty: 0n, value: 0n, layers: [], entryCount: 0, lastCountMs: null, epcCount: 0 };
}

/**
 * Read side the engine needs. A store that prefetches throws MissingStateError
 * for a key it did not load; the store then loads it and re-runs the batch.
 */
export interface StateSource {
  product(gtin: string): Product | undefined;
  productBySku(sku: string): string | undefined;
  location(id: string): Location | undefined;
  position(product: string, location: string): Position | undefined;
  epc(epc: string): EpcRecord | undefined;
  /** EPCs in stock at the location. */
  epcsAt(location: string): readonly EpcRecord[];
  transaction(id: string): TransactionRecord | undefined;
  entriesOf(transactionId: string): readonly Entry[];
  journalOf(transactionId: string): readonly JournalLine[];
}

export type MissingKey =
  | { kind: 'position'; product: string; location: string }
  | { kind: 'epc'; epc: string }
  | { kind: 'epcsAt'; location: string }
  | { kind: 'transaction'; id: string }
  /** Entries and journal lines of a transaction (reversals, returns of a sale). */
  | { kind: 'details'; id: string }
  /** Products and locations another process declared or registered (shared PostgreSQL). */
  | { kind: 'product'; key: string }
  | { kind: 'location'; id: string };

export class MissingStateError extends Error {
  constructor(readonly missing: MissingKey) {
    super(`state not loaded: ${JSON.stringify(missing)}`);
    this.name = 'MissingStateError';
  }
}
