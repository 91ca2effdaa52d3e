import pg from 'pg';
import { raise } from '../../../shared/src/errors.js';
import { silentLogger, type Logger } from '../../../shared/src/log.js';
import type { Catalog, Location, Product } from '../ledger/catalog.js';
import { formatMoney, formatQuantity } from '../ledger/decimal.js';
import { applyTransaction, transactionId } from '../ledger/engine.js';
import { gtinOfEpcUrn } from '../ledger/epc-product.js';
import { InvariantChecker, type CheckReport } from '../ledger/invariants.js';
import {
  positionKey,
  type ApplyResult,
  type Entry,
  type EpcRecord,
  type JournalLine,
  type MissingKey,
  type Position,
  type StateSource,
  type TransactionRecord,
} from '../ledger/state.js';
import type { Transaction } from '../ledger/transactions.js';
import { WorkingState } from '../ledger/working-state.js';
import {
  StoreCatalog,
  epcHistoryOf,
  epcsWithLastMove,
  page,
  pageLimit,
  resolveStockFilter,
  saleRecordsOf,
  stockRowsOf,
  transactionView,
  trialBalanceOf,
} from './common.js';
import { StoreErrors } from './errors.js';
import {
  BATCH_TRANSACTIONS_MAX,
  type EntryQuery,
  type EntryRow,
  type EpcQuery,
  type EpcRow,
  type JournalQuery,
  type JournalRow,
  type LedgerStore,
  type LocationRow,
  type Page,
  type ProductRow,
  type SaleRecord,
  type StockFilter,
  type StockRow,
  type StoreOptions,
  type TransactionView,
  type TrialBalance,
  type PeriodCloseResult,
} from './ledger-store.js';
import type { PeriodClose } from '../ledger/periods.js';
import { decidePeriodClose, PERIOD_QUERIES, periodView, toNumberOrNull, type PeriodRow } from './periods-store.js';
import { CHECK_QUERIES, type PairEntryRow, type PairJournalRow } from './check-queries.js';
import { LEDGER_LOCK_KEY, POSTGRES_SCHEMA } from './postgres-schema.js';
import { createSchemaLocked, newPool } from './postgres-pool.js';
import { lockPlanOf, siteResolver, sitesMissing, takeLocks, type LockPlan } from './postgres-site-locks.js';
import {
  entryFromRow,
  provenanceToJson,
  entryRowView,
  epcFromRow,
  journalLineFromRow,
  journalRowView,
  layersToJson,
  parseMoney,
  parseQuantity,
  positionFromRow,
  transactionFromRow,
  type EntryColumns,
  type EpcColumns,
  type JournalColumns,
  type MoveColumns,
  type PositionColumns,
  type TransactionColumns,
} from './records.js';

/** Load rounds per batch: the engine names what it missed, the store loads it and re-runs. */
export const PREFETCH_ROUNDS_MAX = 8;
/** Lock escalations (sites found only after loading) before a batch takes the ledger lock exclusive. */
export const LOCK_ESCALATIONS_MAX = 2;
/** Rows per unnest statement: bounds the size of one array parameter. */
export const ROWS_PER_STATEMENT_MAX = 50_000;

/**
 * PostgreSQL ledger store. A batch is one transaction holding an advisory lock per
 * site it touches (postgres-site-locks.ts: writers of different sites run in parallel,
 * writers of one site one at a time, so balances never race). Reads are bulk (`= ANY($1)`, `unnest`),
 * the engine runs on what was loaded and names anything it missed; the store loads
 * that and re-runs the (pure, deterministic) batch. Writes are one `unnest`
 * statement per table, never multi-row VALUES (65,535 parameter limit).
 */
export class PostgresLedgerStore implements LedgerStore {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly catalog: StoreCatalog,
    private readonly options: StoreOptions & { logger: Logger },
  ) {}

  static async open(
    url: string,
    catalog: Catalog,
    options: StoreOptions & { poolSize: number },
  ): Promise<PostgresLedgerStore> {
    const pool = newPool(url, options.poolSize, (error) =>
      (options.logger ?? silentLogger()).warn({ err: error.message }, 'idle PostgreSQL connection failed'),
    );
    try {
      await createSchemaLocked(pool, POSTGRES_SCHEMA, LEDGER_LOCK_KEY);
      const storeCatalog = new StoreCatalog(catalog);
      for (const row of (await pool.query<{ definition: string }>('SELECT definition FROM products')).rows)
        storeCatalog.putProduct(JSON.parse(row.definition) as Product);
      for (const row of (await pool.query<{ definition: string }>('SELECT definition FROM locations')).rows)
        storeCatalog.putLocation(JSON.parse(row.definition) as Location);
      return new PostgresLedgerStore(pool, storeCatalog, { ...options, logger: options.logger ?? silentLogger() });
    } catch (error) {
      await pool.end().catch(() => undefined);
      return raise(
        StoreErrors.OPEN_FAILED,
        { store: 'postgres', reason: error instanceof Error ? error.message : String(error) },
        error,
      );
    }
  }

  async applyBatch(transactions: readonly Transaction[]): Promise<ApplyResult[]> {
    if (this.closed) raise(StoreErrors.CLOSED);
    if (transactions.length > BATCH_TRANSACTIONS_MAX)
      raise(StoreErrors.BATCH_TOO_LARGE, { count: transactions.length, max: BATCH_TRANSACTIONS_MAX });
    const nowMs = (this.options.nowMs ?? Date.now)();
    const client = await this.pool.connect();
    try {
      let plan = lockPlanOf(
        transactions,
        siteResolver((id) => this.catalog.location(id)),
      );
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.applyLocked(client, transactions, plan, nowMs);
        if (outcome.kind === 'committed') return outcome.results;
        // The batch touched a site it had not locked (an EPC last seen at another site, a location
        // another process declared under another site): start over holding those too; in the end exclusive.
        await client.query('ROLLBACK');
        plan =
          attempt >= LOCK_ESCALATIONS_MAX
            ? { exclusive: true, sites: [] }
            : { exclusive: false, sites: [...plan.sites, ...outcome.missingSites] };
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** One attempt: lock per the plan, load, run, and commit unless the run touched a site the plan did not lock. */
  private async applyLocked(
    client: pg.PoolClient,
    transactions: readonly Transaction[],
    plan: LockPlan,
    nowMs: number,
  ): Promise<{ kind: 'committed'; results: ApplyResult[] } | { kind: 'escalate'; missingSites: string[] }> {
    await client.query('BEGIN');
    await takeLocks(client, plan);
    const closedThroughMs = await readClosedThrough(client);
    const source = new PrefetchSource(this.catalog);
    await source.load(client, initialKeys(transactions, this.catalog));
    for (let round = 1; ; round++) {
      const state = new WorkingState(source);
      state.closedThroughMs = closedThroughMs ?? undefined;
      let results: ApplyResult[] | undefined;
      let failure: unknown;
      try {
        results = transactions.map((transaction) => applyTransaction(state, transaction, nowMs));
      } catch (error) {
        failure = error;
      }
      const misses = source.takeMisses();
      if (misses.length === 0) {
        if (failure !== undefined || !results) throw failure;
        const missingSites = sitesMissing(plan, sitesTouched(state, source));
        if (missingSites.length > 0) return { kind: 'escalate', missingSites };
        await persist(client, state);
        await client.query('COMMIT');
        this.catalog.absorb(state);
        return { kind: 'committed', results };
      }
      // A run that read unloaded state may have failed for that reason only: load and re-run.
      if (round >= PREFETCH_ROUNDS_MAX) raise(StoreErrors.PREFETCH_ROUNDS, { rounds: round });
      await source.load(client, misses);
    }
  }

  async stock(filter: StockFilter = {}): Promise<StockRow[]> {
    const resolved = resolveStockFilter(this.catalog, filter);
    const { rows } = await this.pool.query<PositionColumns>(
      'SELECT * FROM positions WHERE ($1::text IS NULL OR product = $1) AND ($2::text IS NULL OR location = $2) ORDER BY product, location',
      [resolved.product ?? null, resolved.location ?? null],
    );
    return stockRowsOf(rows, resolved, this.catalog);
  }

  async entries(query: EntryQuery = {}): Promise<Page<EntryRow>> {
    const limit = pageLimit(query.limit);
    const { rows } = await this.pool.query<EntryColumns>(
      `SELECT * FROM entries WHERE seq > $1 AND ($2::text IS NULL OR product = $2) AND ($3::text IS NULL OR location = $3) AND ($4::text IS NULL OR transaction_id = $4) ORDER BY seq LIMIT $5`,
      [query.after ?? 0, query.product ?? null, query.location ?? null, query.transactionId ?? null, limit + 1],
    );
    return page(rows.map(entryRowView), limit);
  }

  async journal(query: JournalQuery = {}): Promise<Page<JournalRow>> {
    const limit = pageLimit(query.limit);
    const { rows } = await this.pool.query<JournalColumns>(
      `SELECT * FROM journal WHERE seq > $1 AND ($2::text IS NULL OR account = $2) AND ($3::text IS NULL OR transaction_id = $3) ORDER BY seq LIMIT $4`,
      [query.after ?? 0, query.account ?? null, query.transactionId ?? null, limit + 1],
    );
    return page(rows.map(journalRowView), limit);
  }

  async trialBalance(): Promise<TrialBalance> {
    const { rows } = await this.pool.query<{ account: string; balance: string }>(
      'SELECT account, balance::text AS balance FROM accounts ORDER BY account',
    );
    return trialBalanceOf(rows.map((row) => ({ account: row.account, balance: parseMoney(row.balance) })));
  }

  async trialBalanceAt(untilMs: number): Promise<TrialBalance> {
    const { rows } = await this.pool.query<{ account: string; balance: string }>(
      'SELECT account, sum(debit - credit)::text AS balance FROM journal WHERE time_ms <= $1 GROUP BY account ORDER BY account',
      [untilMs],
    );
    return trialBalanceOf(rows.map((row) => ({ account: row.account, balance: parseMoney(row.balance) })));
  }

  async closePeriod(period: string): Promise<PeriodCloseResult> {
    if (this.closed) raise(StoreErrors.CLOSED);
    const client = await this.pool.connect();
    try {
      const closedThroughMs = await beginLocked(client); // no batch posts while the period closes
      const decision = decidePeriodClose(period, closedThroughMs, (this.options.nowMs ?? Date.now)());
      if (decision.kind === 'insert') {
        const { row } = decision;
        await client.query('INSERT INTO periods (period, end_ms, closed_ms) VALUES ($1, $2, $3)', [
          row.period,
          row.end_ms,
          row.closed_ms,
        ]);
      }
      await client.query('COMMIT');
      return decision.kind === 'done' ? decision.result : { ok: true, ...periodView(decision.row) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async periods(): Promise<PeriodClose[]> {
    return (await this.pool.query<PeriodRow>(PERIOD_QUERIES.all)).rows.map((row) => periodView(row));
  }

  async epcHistory(epc: string): Promise<{ current: EpcRow | null; history: EpcRow[] }> {
    const current = (
      await this.pool.query<EpcColumns & { moves: string[] }>('SELECT * FROM epcs WHERE epc = $1', [epc])
    ).rows[0];
    if (!current) return { current: null, history: [] };
    const moves = (
      await this.pool.query<MoveColumns>('SELECT * FROM epc_moves WHERE seq = ANY($1::bigint[]) ORDER BY seq', [
        current.moves,
      ])
    ).rows;
    return epcHistoryOf(epc, current, moves);
  }

  async epcsWhere(query: EpcQuery): Promise<EpcRow[]> {
    const rows = (
      await this.pool.query<EpcColumns & { moves: string[] }>(
        'SELECT * FROM epcs WHERE status = $1 AND ($2::text[] IS NULL OR location = ANY($2::text[])) ORDER BY epc LIMIT $3',
        [query.status, query.locations ? [...query.locations] : null, query.limit],
      )
    ).rows;
    // The last entry of `moves` is the move that put the EPC where it is now.
    const lastSeq = (row: { moves: string[] }) => Number(row.moves[row.moves.length - 1]);
    const lastMoves = (
      await this.pool.query<MoveColumns>('SELECT * FROM epc_moves WHERE seq = ANY($1::bigint[])', [rows.map(lastSeq)])
    ).rows;
    return epcsWithLastMove(rows, lastMoves, lastSeq);
  }

  async transaction(id: string): Promise<TransactionView | undefined> {
    const row = (await this.pool.query<TransactionColumns>('SELECT * FROM transactions WHERE id = $1', [id])).rows[0];
    return row ? transactionView(transactionFromRow(row)) : undefined;
  }

  async products(): Promise<ProductRow[]> {
    return this.catalog.allProducts();
  }

  async locations(): Promise<LocationRow[]> {
    return this.catalog.allLocations();
  }

  async salesHistory(product: string, site: string | undefined, sinceMs: number): Promise<SaleRecord[]> {
    const gtin = this.catalog.resolveProduct(product) ?? product;
    const { rows } = await this.pool.query<{
      transaction_id: string;
      location: string;
      qty_delta: string;
      time_ms: string;
    }>(
      "SELECT transaction_id, location, qty_delta, time_ms FROM entries WHERE product = $1 AND kind = 'sale' AND time_ms >= $2 ORDER BY time_ms, seq",
      [gtin, sinceMs],
    );
    return saleRecordsOf(rows, site, this.catalog);
  }

  async check(): Promise<CheckReport> {
    const checker = new InvariantChecker(
      (location) => this.catalog.inventoryAccountOf(location),
      (product) => this.catalog.product(product)?.valuation,
    );
    const client = await this.pool.connect();
    try {
      // One snapshot for every query, so a concurrent batch cannot make the books look unbalanced.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const row of (await client.query<PositionColumns>('SELECT * FROM positions')).rows)
        checker.addPosition(positionFromRow(row));
      const sums = await client.query<{
        product: string;
        location: string;
        qty: string;
        value: string;
        count: string;
        qty_after: string;
        value_after: string;
      }>(
        `SELECT s.product, s.location, s.qty::text, s.value::text, s.count, l.qty_after::text, l.value_after::text
           FROM (SELECT product, location, sum(qty_delta) AS qty, sum(value_delta) AS value, count(*) AS count FROM entries GROUP BY product, location) s
           JOIN (SELECT DISTINCT ON (product, location) product, location, qty_after, value_after FROM entries ORDER BY product, location, seq DESC) l
             ON l.product = s.product AND l.location = s.location`,
      );
      for (const row of sums.rows) {
        checker.addEntrySum(row.product, row.location, {
          qty: parseQuantity(row.qty),
          value: parseMoney(row.value),
          count: Number(row.count),
          lastQtyAfter: parseQuantity(row.qty_after),
          lastValueAfter: parseMoney(row.value_after),
        });
      }
      for (const row of (
        await client.query<{ account: string; debit: string; credit: string }>(
          'SELECT account, sum(debit)::text AS debit, sum(credit)::text AS credit FROM journal GROUP BY account',
        )
      ).rows) {
        checker.addJournalLine(row.account, parseMoney(row.debit), parseMoney(row.credit));
      }
      for (const row of (
        await client.query<{ account: string; balance: string }>(
          'SELECT account, balance::text AS balance FROM accounts',
        )
      ).rows)
        checker.addAccountBalance(row.account, parseMoney(row.balance));
      for (const row of (
        await client.query<{ product: string; location: string; count: string }>(
          "SELECT product, location, count(*) AS count FROM epcs WHERE status = 'in_stock' GROUP BY product, location",
        )
      ).rows) {
        for (let index = 0; index < Number(row.count); index++) checker.addEpcInStock(row.product, row.location);
      }
      await feedValuationChecks(client, checker);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return checker.report();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** What a batch will obviously read: its ids, EPCs, the positions it names, the count locations. */
function initialKeys(transactions: readonly Transaction[], catalog: StoreCatalog): MissingKey[] {
  const keys: MissingKey[] = [];
  for (const transaction of transactions) {
    keys.push({ kind: 'transaction', id: transactionId(transaction) });
    if ('of' in transaction && transaction.of !== undefined)
      keys.push({ kind: 'transaction', id: transaction.of }, { kind: 'details', id: transaction.of });
    if (transaction.type === 'product' || transaction.type === 'reversal' || transaction.type === 'supplier_invoice')
      continue;
    const locations = transaction.type === 'transfer' ? [transaction.from, transaction.to] : [transaction.location];
    const products = new Set<string>();
    if (transaction.product !== undefined)
      products.add(catalog.resolveProduct(transaction.product) ?? transaction.product);
    for (const epc of 'epcs' in transaction ? (transaction.epcs ?? []) : []) {
      keys.push({ kind: 'epc', epc });
      const gtin = gtinOfEpcUrn(epc);
      if (gtin !== undefined) products.add(gtin);
    }
    for (const product of products)
      for (const location of locations) keys.push({ kind: 'position', product, location });
    for (const product of products) if (!catalog.product(product)) keys.push({ kind: 'product', key: product });
    for (const location of locations) if (!catalog.location(location)) keys.push({ kind: 'location', id: location });
    if (transaction.type === 'count' && transaction.epcs !== undefined)
      keys.push({ kind: 'epcsAt', location: transaction.location });
  }
  return keys;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/**
 * State loaded for one batch. Reading a key that was not loaded records a miss and
 * answers "absent"; the store then loads the misses and re-runs the batch, so the
 * run that commits only ever saw loaded state.
 */
class PrefetchSource implements StateSource {
  private readonly positions = new Map<string, Position | null>();
  private readonly epcs = new Map<string, EpcRecord | null>();
  private readonly epcsAtLocation = new Map<string, EpcRecord[]>();
  private readonly transactions = new Map<string, TransactionRecord | null>();
  private readonly details = new Map<string, { entries: Entry[]; journal: JournalLine[] }>();
  private misses = new Map<string, MissingKey>();
  /** By GTIN and by SKU; null = not in the database either. */
  private readonly productsLoaded = new Map<string, Product | null>();
  private readonly locationsLoaded = new Map<string, Location | null>();

  constructor(private readonly catalog: StoreCatalog) {}

  /** The EPC as the database held it when loaded (undefined: not loaded or absent). */
  loadedEpc(epc: string): EpcRecord | undefined {
    return this.epcs.get(epc) ?? undefined;
  }

  takeMisses(): MissingKey[] {
    const misses = [...this.misses.values()];
    this.misses = new Map();
    return misses;
  }

  private miss(key: MissingKey): void {
    this.misses.set(JSON.stringify(key), key);
  }

  /**
   * Loads every key not loaded yet, one query per kind. Rows that name a position (EPCs,
   * entries) add it to the positions to load, so positions go last.
   */
  async load(client: pg.PoolClient, keys: readonly MissingKey[]): Promise<void> {
    const positionsWanted = new Map<string, [string, string]>();
    for (const key of keys) if (key.kind === 'position') this.wantPosition(positionsWanted, key.product, key.location);
    await this.loadEpcs(client, keys, positionsWanted);
    await this.loadEpcsAt(client, keys, positionsWanted);
    await this.loadTransactions(client, keys);
    await this.loadDetails(client, keys, positionsWanted);
    await this.loadProducts(client, keys);
    await this.loadLocations(client, keys);
    await this.loadPositions(client, positionsWanted);
  }

  private wantPosition(wanted: Map<string, [string, string]>, product: string, location: string): void {
    const key = positionKey(product, location);
    if (!this.positions.has(key)) wanted.set(key, [product, location]);
  }

  private async loadEpcs(
    client: pg.PoolClient,
    keys: readonly MissingKey[],
    positionsWanted: Map<string, [string, string]>,
  ): Promise<void> {
    const epcs = unique(keys.flatMap((key) => (key.kind === 'epc' && !this.epcs.has(key.epc) ? [key.epc] : [])));
    if (epcs.length === 0) return;
    for (const epc of epcs) this.epcs.set(epc, null);
    const { rows } = await client.query<EpcColumns>('SELECT * FROM epcs WHERE epc = ANY($1::text[])', [epcs]);
    for (const row of rows) {
      const record = epcFromRow(row);
      this.epcs.set(record.epc, record);
      this.wantPosition(positionsWanted, record.product, record.location); // where an EPC is, its position will be read
    }
  }

  private async loadEpcsAt(
    client: pg.PoolClient,
    keys: readonly MissingKey[],
    positionsWanted: Map<string, [string, string]>,
  ): Promise<void> {
    const locations = unique(
      keys.flatMap((key) => (key.kind === 'epcsAt' && !this.epcsAtLocation.has(key.location) ? [key.location] : [])),
    );
    if (locations.length === 0) return;
    for (const location of locations) this.epcsAtLocation.set(location, []);
    const { rows } = await client.query<EpcColumns>(
      "SELECT * FROM epcs WHERE location = ANY($1::text[]) AND status = 'in_stock' ORDER BY epc",
      [locations],
    );
    for (const row of rows) {
      const record = epcFromRow(row);
      this.epcsAtLocation.get(record.location)?.push(record);
      this.wantPosition(positionsWanted, record.product, record.location);
    }
  }

  private async loadTransactions(client: pg.PoolClient, keys: readonly MissingKey[]): Promise<void> {
    const transactionIds = unique(
      keys.flatMap((key) => (key.kind === 'transaction' && !this.transactions.has(key.id) ? [key.id] : [])),
    );
    if (transactionIds.length === 0) return;
    for (const id of transactionIds) this.transactions.set(id, null);
    const { rows } = await client.query<TransactionColumns>('SELECT * FROM transactions WHERE id = ANY($1::text[])', [
      transactionIds,
    ]);
    for (const row of rows) this.transactions.set(row.id, transactionFromRow(row));
  }

  /** Entries and journal lines of earlier transactions a batch refers to (a reversal's original, a return's sale). */
  private async loadDetails(
    client: pg.PoolClient,
    keys: readonly MissingKey[],
    positionsWanted: Map<string, [string, string]>,
  ): Promise<void> {
    const detailIds = unique(
      keys.flatMap((key) => (key.kind === 'details' && !this.details.has(key.id) ? [key.id] : [])),
    );
    if (detailIds.length === 0) return;
    for (const id of detailIds) this.details.set(id, { entries: [], journal: [] });
    const entries = await client.query<EntryColumns>(
      'SELECT * FROM entries WHERE transaction_id = ANY($1::text[]) ORDER BY seq',
      [detailIds],
    );
    for (const row of entries.rows) {
      const entry = entryFromRow(row);
      this.details.get(entry.transactionId)?.entries.push(entry);
      this.wantPosition(positionsWanted, entry.product, entry.location);
    }
    const journal = await client.query<JournalColumns>(
      'SELECT * FROM journal WHERE transaction_id = ANY($1::text[]) ORDER BY seq',
      [detailIds],
    );
    for (const row of journal.rows) this.details.get(row.transaction_id)?.journal.push(journalLineFromRow(row));
  }

  /** Products by GTIN or SKU; each found one joins the catalog. */
  private async loadProducts(client: pg.PoolClient, keys: readonly MissingKey[]): Promise<void> {
    const productKeys = unique(
      keys.flatMap((key) => (key.kind === 'product' && !this.productsLoaded.has(key.key) ? [key.key] : [])),
    );
    if (productKeys.length === 0) return;
    for (const key of productKeys) this.productsLoaded.set(key, null);
    const { rows } = await client.query<{ definition: string }>(
      "SELECT definition FROM products WHERE gtin = ANY($1::text[]) OR (definition::jsonb ->> 'sku') = ANY($1::text[])",
      [productKeys],
    );
    for (const row of rows) {
      const product = JSON.parse(row.definition) as Product;
      this.catalog.putProduct(product);
      this.productsLoaded.set(product.gtin, product);
      if (product.sku !== undefined) this.productsLoaded.set(product.sku, product);
    }
  }

  private async loadLocations(client: pg.PoolClient, keys: readonly MissingKey[]): Promise<void> {
    const locationIds = unique(
      keys.flatMap((key) => (key.kind === 'location' && !this.locationsLoaded.has(key.id) ? [key.id] : [])),
    );
    if (locationIds.length === 0) return;
    for (const id of locationIds) this.locationsLoaded.set(id, null);
    const { rows } = await client.query<{ definition: string }>(
      'SELECT definition FROM locations WHERE id = ANY($1::text[])',
      [locationIds],
    );
    for (const row of rows) {
      const location = JSON.parse(row.definition) as Location;
      this.catalog.putLocation(location);
      this.locationsLoaded.set(location.id, location);
    }
  }

  private async loadPositions(client: pg.PoolClient, positionsWanted: Map<string, [string, string]>): Promise<void> {
    if (positionsWanted.size === 0) return;
    const pairs = [...positionsWanted.values()];
    for (const key of positionsWanted.keys()) this.positions.set(key, null);
    const { rows } = await client.query<PositionColumns>(
      'SELECT p.* FROM positions p JOIN unnest($1::text[], $2::text[]) AS k(product, location) ON p.product = k.product AND p.location = k.location',
      [pairs.map(([product]) => product), pairs.map(([, location]) => location)],
    );
    for (const row of rows) this.positions.set(positionKey(row.product, row.location), positionFromRow(row));
  }

  product(gtin: string): Product | undefined {
    const known = this.catalog.product(gtin);
    if (known) return known;
    if (!this.productsLoaded.has(gtin)) this.miss({ kind: 'product', key: gtin });
    return this.productsLoaded.get(gtin) ?? undefined;
  }

  productBySku(sku: string): string | undefined {
    const known = this.catalog.productBySku(sku);
    if (known !== undefined) return known;
    if (!this.productsLoaded.has(sku)) this.miss({ kind: 'product', key: sku });
    return this.productsLoaded.get(sku)?.gtin;
  }

  location(id: string): Location | undefined {
    const known = this.catalog.location(id);
    if (known) return known;
    if (!this.locationsLoaded.has(id)) this.miss({ kind: 'location', id });
    return this.locationsLoaded.get(id) ?? undefined;
  }

  position(product: string, location: string): Position | undefined {
    const key = positionKey(product, location);
    if (!this.positions.has(key)) this.miss({ kind: 'position', product, location });
    return this.positions.get(key) ?? undefined;
  }

  epc(epc: string): EpcRecord | undefined {
    if (!this.epcs.has(epc)) this.miss({ kind: 'epc', epc });
    return this.epcs.get(epc) ?? undefined;
  }

  epcsAt(location: string): readonly EpcRecord[] {
    const loaded = this.epcsAtLocation.get(location);
    if (!loaded) this.miss({ kind: 'epcsAt', location });
    return loaded ?? [];
  }

  transaction(id: string): TransactionRecord | undefined {
    if (!this.transactions.has(id)) this.miss({ kind: 'transaction', id });
    return this.transactions.get(id) ?? undefined;
  }

  entriesOf(transactionId: string): readonly Entry[] {
    const loaded = this.details.get(transactionId);
    if (!loaded) this.miss({ kind: 'details', id: transactionId });
    return loaded?.entries ?? [];
  }

  journalOf(transactionId: string): readonly JournalLine[] {
    const loaded = this.details.get(transactionId);
    if (!loaded) this.miss({ kind: 'details', id: transactionId });
    return loaded?.journal ?? [];
  }
}

/** Writes what the working state collected: one statement per table (chunked), in this order. */
async function persist(client: pg.PoolClient, state: WorkingState): Promise<void> {
  await persistPositions(client, state);
  const moveSeqs = await persistMoves(client, state);
  await persistEpcs(client, state, moveSeqs);
  await persistTransactions(client, state);
  await persistEntries(client, state);
  await persistJournal(client, state);
  await persistAccounts(client, state);
  await persistCatalog(client, state);
}

/** Runs `sql` once per chunk of `items`, each column passed as one array parameter (for unnest). */
async function insertUnnest<T>(
  client: pg.PoolClient,
  sql: string,
  items: readonly T[],
  columns: ((item: T) => unknown)[],
): Promise<void> {
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT_MAX) {
    const chunk = items.slice(start, start + ROWS_PER_STATEMENT_MAX);
    await client.query(
      sql,
      columns.map((column) => chunk.map(column)),
    );
  }
}

// The item-level table takes one JSON array per statement: measured here ~1.5× faster than
// unnest of text arrays (the driver escapes every array element in JavaScript; JSON.stringify is native).
async function insertJson<T>(
  client: pg.PoolClient,
  sql: string,
  items: readonly T[],
  row: (item: T) => unknown[],
): Promise<void> {
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT_MAX) {
    await client.query(sql, [JSON.stringify(items.slice(start, start + ROWS_PER_STATEMENT_MAX).map(row))]);
  }
}

async function persistPositions(client: pg.PoolClient, state: WorkingState): Promise<void> {
  await insertUnnest(
    client,
    `INSERT INTO positions (product, location, qty, value, layers, entry_count, last_count_ms, epc_count)
     SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::text[], $6::int[], $7::bigint[], $8::int[])
     ON CONFLICT (product, location) DO UPDATE SET qty = excluded.qty, value = excluded.value, layers = excluded.layers,
       entry_count = excluded.entry_count, last_count_ms = excluded.last_count_ms, epc_count = excluded.epc_count`,
    [...state.positions.values()],
    [
      (p) => p.product,
      (p) => p.location,
      (p) => formatQuantity(p.qty),
      (p) => formatMoney(p.value),
      (p) => layersToJson(p.layers),
      (p) => p.entryCount,
      (p) => p.lastCountMs,
      (p) => p.epcCount,
    ],
  );
}

/**
 * Moves get their sequence numbers first, so each EPC row can append the moves it took part in.
 * Returns the sequence number of each move, by its index in `state.epcMoves`.
 */
async function persistMoves(client: pg.PoolClient, state: WorkingState): Promise<string[]> {
  if (state.epcMoves.length === 0) return [];
  const { rows } = await client.query<{ seq: string }>(
    "SELECT nextval(pg_get_serial_sequence('epc_moves', 'seq'))::text AS seq FROM generate_series(1, $1)",
    [state.epcMoves.length],
  );
  const moveSeqs = rows.map((row) => row.seq);
  await insertUnnest(
    client,
    `INSERT INTO epc_moves (seq, transaction_id, product, location, status, time_ms, recorded_ms, epc_count)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::int[])`,
    state.epcMoves.map((move, index) => ({ move, seq: moveSeqs[index] })),
    [
      (m) => m.seq,
      (m) => m.move.transactionId,
      (m) => m.move.product,
      (m) => m.move.location,
      (m) => m.move.status,
      (m) => m.move.timeMs,
      (m) => m.move.recordedMs,
      (m) => m.move.epcCount,
    ],
  );
  return moveSeqs;
}

async function persistEpcs(client: pg.PoolClient, state: WorkingState, moveSeqs: readonly string[]): Promise<void> {
  await insertJson(
    client,
    `INSERT INTO epcs (epc, product, location, status, moves)
     SELECT e->>0, e->>1, e->>2, e->>3, string_to_array(e->>4, ',')::bigint[] FROM json_array_elements($1::json) AS e
     ON CONFLICT (epc) DO UPDATE SET product = excluded.product, location = excluded.location, status = excluded.status, moves = epcs.moves || excluded.moves`,
    [...state.epcs.values()],
    (e) => [
      e.epc,
      e.product,
      e.location,
      e.status,
      state
        .movesOf(e.epc)
        .map((index) => moveSeqs[index])
        .join(','),
    ],
  );
}

/** New transactions, then the reversals this batch recorded against any transaction. */
async function persistTransactions(client: pg.PoolClient, state: WorkingState): Promise<void> {
  await insertUnnest(
    client,
    `INSERT INTO transactions (id, type, payload_hash, payload, time_ms, recorded_ms, result)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])`,
    [...state.transactions.values()],
    [
      (t) => t.id,
      (t) => t.type,
      (t) => t.payloadHash,
      (t) => JSON.stringify(t.payload),
      (t) => t.timeMs,
      (t) => t.recordedMs,
      (t) => JSON.stringify(t.result),
    ],
  );
  await insertUnnest(
    client,
    'UPDATE transactions t SET reversed_by = k.reversed_by FROM unnest($1::text[], $2::text[]) AS k(id, reversed_by) WHERE t.id = k.id',
    [...state.reversed],
    [([id]) => id, ([, reversedBy]) => reversedBy],
  );
}

async function persistEntries(client: pg.PoolClient, state: WorkingState): Promise<void> {
  await insertUnnest(
    client,
    `INSERT INTO entries (transaction_id, product, location, kind, qty_delta, value_delta, qty_after, value_after, time_ms, recorded_ms, reverses, layers)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::bigint[], $10::bigint[], $11::text[], $12::text[])`,
    state.entries,
    [
      (e) => e.transactionId,
      (e) => e.product,
      (e) => e.location,
      (e) => e.kind,
      (e) => formatQuantity(e.qtyDelta),
      (e) => formatMoney(e.valueDelta),
      (e) => formatQuantity(e.qtyAfter),
      (e) => formatMoney(e.valueAfter),
      (e) => e.timeMs,
      (e) => e.recordedMs,
      (e) => e.reverses ?? null,
      (e) => provenanceToJson(e),
    ],
  );
}

async function persistJournal(client: pg.PoolClient, state: WorkingState): Promise<void> {
  await insertUnnest(
    client,
    `INSERT INTO journal (transaction_id, account, debit, credit, time_ms, recorded_ms)
     SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[], $5::bigint[], $6::bigint[])`,
    state.journal,
    [
      (l) => l.transactionId,
      (l) => l.account,
      (l) => formatMoney(l.debit),
      (l) => formatMoney(l.credit),
      (l) => l.timeMs,
      (l) => l.recordedMs,
    ],
  );
}

async function persistAccounts(client: pg.PoolClient, state: WorkingState): Promise<void> {
  await insertUnnest(
    client,
    `INSERT INTO accounts (account, balance) SELECT * FROM unnest($1::text[], $2::numeric[])
     ON CONFLICT (account) DO UPDATE SET balance = accounts.balance + excluded.balance`,
    [...state.accountDeltas], // zero deltas too: every account ever posted to is listed
    [([account]) => account, ([, delta]) => formatMoney(delta)],
  );
}

/** Products and locations the batch defined or changed. */
async function persistCatalog(client: pg.PoolClient, state: WorkingState): Promise<void> {
  await insertUnnest(
    client,
    'INSERT INTO products (gtin, definition) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (gtin) DO UPDATE SET definition = excluded.definition',
    [...state.products.values()],
    [(p) => p.gtin, (p) => JSON.stringify(p)],
  );
  await insertUnnest(
    client,
    'INSERT INTO locations (id, definition) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition',
    [...state.locations.values()],
    [(l) => l.id, (l) => JSON.stringify(l)],
  );
}

/** Sequence numbers of the transactions layers are named after, and reversed transactions with their reversals. */
async function feedValuationChecks(client: pg.PoolClient, checker: InvariantChecker): Promise<void> {
  const sequences = await client.query<{ id: string; seq: string }>(CHECK_QUERIES.postgresSequences, [
    checker.layerSourceIds(),
  ]);
  for (const row of sequences.rows) checker.addTransactionSequence(row.id, Number(row.seq));
  for (const row of (await client.query<{ id: string; reversed_by: string }>(CHECK_QUERIES.reversalPairs)).rows)
    checker.addReversalPair(row.id, row.reversed_by);
  for (const row of (await client.query<PairEntryRow>(CHECK_QUERIES.pairEntries)).rows)
    checker.addPairEntry(row.transaction_id, row.product, row.location, parseQuantity(String(row.qty_delta)));
  for (const row of (await client.query<PairJournalRow>(CHECK_QUERIES.pairJournal)).rows)
    checker.addPairJournalLine(
      row.transaction_id,
      row.account,
      parseMoney(String(row.debit)),
      parseMoney(String(row.credit)),
    );
}

/** Opens a transaction holding the ledger lock exclusive (no batch of any site runs) and reads the end of the last closed period. */
async function beginLocked(client: pg.PoolClient): Promise<number | null> {
  await client.query('BEGIN');
  await takeLocks(client, { exclusive: true, sites: [] });
  return readClosedThrough(client);
}

async function readClosedThrough(client: pg.PoolClient): Promise<number | null> {
  return toNumberOrNull((await client.query<PeriodRow>(PERIOD_QUERIES.closedThrough)).rows[0]?.end_ms);
}

/**
 * Sites whose state the batch read and will write: every position it changes, every EPC it
 * changes, and where each of those EPCs was before (its old site's count of EPCs in stock).
 */
function sitesTouched(state: WorkingState, source: PrefetchSource): Set<string> {
  const siteOf = siteResolver((id) => state.locations.get(id) ?? source.location(id));
  const sites = new Set<string>();
  for (const position of state.positions.values()) sites.add(siteOf(position.location));
  for (const record of state.epcs.values()) {
    sites.add(siteOf(record.location));
    const before = source.loadedEpc(record.epc);
    if (before) sites.add(siteOf(before.location));
  }
  return sites;
}
