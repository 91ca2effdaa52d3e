import type { Logger } from '../../../shared/src/log.js';
import type { Location, LocationKind } from '../ledger/catalog.js';
import type { ApplyResult, EpcStatus, EntryKind } from '../ledger/state.js';
import type { Transaction } from '../ledger/transactions.js';
import type { CheckReport } from '../ledger/invariants.js';
import type { PeriodClose } from '../ledger/periods.js';

export type { ApplyResult, ApplyStatus } from '../ledger/state.js';
export type { CheckReport } from '../ledger/invariants.js';

/** Numbers are decimal strings (exact), times ISO 8601 UTC. */
export interface StockRow {
  product: string;
  location: string;
  site: string;
  /** On hand. */
  qty: string;
  /** What can be sold or moved now: on hand, never below 0 (no reservations yet). */
  available: string;
  value: string;
  /** value / qty at 6 decimals; "0" when empty. */
  unitCost: string;
  layers: { qty: string; unitCost: string; value: string }[];
  epcsInStock: number;
  lastCountTime: string | null;
}

export interface EntryRow {
  seq: number;
  transactionId: string;
  product: string;
  location: string;
  kind: EntryKind;
  qtyDelta: string;
  valueDelta: string;
  qtyAfter: string;
  valueAfter: string;
  time: string;
  recordedTime: string;
  reverses?: string;
  /** Layer provenance: what the entry put into the position and took out of it (absent on old entries). */
  layersIn?: LayerRow[];
  layersOut?: LayerRow[];
}

export interface LayerRow {
  qty: string;
  value: string;
  /** The transaction that brought the layer to its position (`average`: the pool; `negative`: the shortfall). */
  sourceId: string;
}

export interface JournalRow {
  seq: number;
  transactionId: string;
  account: string;
  debit: string;
  credit: string;
  time: string;
}

export interface EpcRow {
  epc: string;
  product: string;
  location: string;
  status: EpcStatus;
  transactionId: string;
  time: string;
}

export interface EpcQuery {
  status: EpcStatus;
  locations?: readonly string[];
  /** Rows returned at most (ordered by EPC). */
  limit: number;
}

export interface TrialBalance {
  accounts: { account: string; debit: string; credit: string; balance: string }[];
  totalDebit: string;
  totalCredit: string;
  balanced: boolean;
}

export interface ProductRow {
  gtin: string;
  sku?: string;
  name?: string;
  valuation: 'fifo' | 'average';
  allowNegative: boolean;
  standardCost?: string;
  reorderPoint?: string;
  reorderQty?: string;
}

export type LocationRow = Location;

export interface SaleRecord {
  time: string;
  timeMs: number;
  location: string;
  /** Units sold (positive), net of nothing: returns are separate. */
  qty: string;
  transactionId: string;
}

export interface StockFilter {
  product?: string;
  location?: string;
  site?: string;
  kind?: LocationKind;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` to get the next page; null at the end. */
  nextAfter: number | null;
}

export interface EntryQuery {
  after?: number;
  limit?: number;
  product?: string;
  location?: string;
  transactionId?: string;
}

export interface JournalQuery {
  after?: number;
  limit?: number;
  account?: string;
  transactionId?: string;
}

export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1_000;
/** A batch is one database transaction; bounded so one message cannot hold the lock for long. */
export const BATCH_TRANSACTIONS_MAX = 10_000;

export interface TransactionView {
  id: string;
  type: string;
  time: string;
  recordedTime: string;
  payload: unknown;
  result: ApplyResult;
  reversedBy?: string;
}

export interface LedgerStore {
  /** Applies in order inside ONE database transaction; idempotent per transaction id. */
  applyBatch(transactions: readonly Transaction[]): Promise<ApplyResult[]>;
  stock(filter?: StockFilter): Promise<StockRow[]>;
  entries(query?: EntryQuery): Promise<Page<EntryRow>>;
  journal(query?: JournalQuery): Promise<Page<JournalRow>>;
  trialBalance(): Promise<TrialBalance>;
  epcHistory(epc: string): Promise<{ current: EpcRow | null; history: EpcRow[] }>;
  /** EPCs in one status (optionally at some locations), each with its last move's transaction and time; for alerts. */
  epcsWhere(query: EpcQuery): Promise<EpcRow[]>;
  transaction(id: string): Promise<TransactionView | undefined>;
  products(): Promise<ProductRow[]>;
  locations(): Promise<LocationRow[]>;
  /** Sales of a product (optionally one site) since `sinceMs`, oldest first: what the forecast reads. */
  salesHistory(product: string, site: string | undefined, sinceMs: number): Promise<SaleRecord[]>;
  /** Balances (debit positive) from the journal lines dated up to `untilMs`: the trial balance at a period end. */
  trialBalanceAt(untilMs: number): Promise<TrialBalance>;
  /** Locks posting dates up to the period's end (periods.ts); refused while the period has not ended. */
  closePeriod(period: string): Promise<PeriodCloseResult>;
  /** Closed periods, oldest first. */
  periods(): Promise<PeriodClose[]>;
  /** Verifies every ledger invariant over the whole store. */
  check(): Promise<CheckReport>;
  close(): Promise<void>;
}

export type PeriodCloseResult = ({ ok: true } & PeriodClose) | { ok: false; code: string; reason: string };

export type StoreConfig =
  { kind: 'memory' } | { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; poolSize?: number };

export interface StoreOptions {
  logger?: Logger;
  /** Arrival time for transactions without `time`; default Date.now. */
  nowMs?: () => number;
}
