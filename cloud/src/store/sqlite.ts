import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { silentLogger, type Logger } from '../../../shared/src/log.js';
import type { Catalog, Location, Product } from '../ledger/catalog.js';
import { applyTransaction } from '../ledger/engine.js';
import { formatMoney, formatQuantity } from '../ledger/decimal.js';
import { InvariantChecker, type CheckReport } from '../ledger/invariants.js';
import { checkItem, failCheck, type CheckItem } from '../ledger/valuation-checks.js';
import {
  type ApplyResult,
  type Entry,
  type EpcRecord,
  type JournalLine,
  type Position,
  type StateSource,
  type TransactionRecord,
  positionKey,
} from '../ledger/state.js';
import type { Transaction } from '../ledger/transactions.js';
import { WorkingState } from '../ledger/working-state.js';
import { StoreErrors } from './errors.js';
import { raise } from '../../../shared/src/errors.js';
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
import type { PeriodClose } from '../ledger/periods.js';
import { decidePeriodClose, PERIOD_QUERIES, periodView, toNumberOrNull, type PeriodRow } from './periods-store.js';
import { CHECK_QUERIES, type PairEntryRow, type PairJournalRow } from './check-queries.js';
import { useCheckpointer } from './sqlite-checkpointer.js';
import { SQLITE_ADDED_COLUMNS, SQLITE_SCHEMA, SQLITE_SEQ_BACKFILL, SQLITE_SEQ_INDEXES } from './sqlite-schema.js';
import { chunks } from './records.js';

/** Page cache per connection (KiB): item-level upserts land all over the EPC index, the default 2 MiB thrashes. */
export const SQLITE_CACHE_KIB = 64 * 1024;
/** EPC states kept between batches (most recently written first out last). */
export const EPC_CACHE_ENTRIES_MAX = 500_000;
/** Entries and journal lines of one transaction, through the sequence-number index (see SQLITE_SEQ_INDEXES). */
const SEQ_OF_TRANSACTION_ID = 'AND transaction_seq = (SELECT seq FROM transactions WHERE id = @transactionId)';
/** Rows per JSON-array statement (bounds one statement's text). */
export const JSON_ROWS_PER_STATEMENT_MAX = 20_000;
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

/**
 * SQLite ledger store (better-sqlite3, synchronous). One connection, WAL, and
 * synchronous=FULL: the consumer acks MQTT after commit, so a commit must survive
 * power loss. A batch is one IMMEDIATE transaction; the engine reads through a
 * per-batch cache and the store writes what the working state collected.
 */
export class SqliteLedgerStore implements LedgerStore {
  private readonly statements: ReturnType<typeof prepare>;
  private closed = false;
  /** EPC states this store wrote recently: transfers and sales of items just received skip the lookup. */
  private readonly epcCache = new Map<string, EpcRecord>();
  private dataVersion = -1;

  private readonly releaseCheckpointer: () => Promise<void>;

  private constructor(
    private readonly db: SqliteDatabase,
    path: string,
    private readonly catalog: StoreCatalog,
    private readonly options: StoreOptions & { logger: Logger },
  ) {
    this.statements = prepare(db);
    this.releaseCheckpointer = useCheckpointer(db, path, options.logger);
  }

  static open(path: string, catalog: Catalog, options: StoreOptions = {}): SqliteLedgerStore {
    let db: SqliteDatabase;
    try {
      db = new Database(path);
    } catch (error) {
      return raise(
        StoreErrors.OPEN_FAILED,
        { store: `sqlite:${path}`, reason: error instanceof Error ? error.message : String(error) },
        error,
      );
    }
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // The WAL checkpointer (sqlite-checkpointer.ts) briefly holds the write lock when it restarts the WAL.
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    db.exec(SQLITE_SCHEMA);
    for (const { table, column, type } of SQLITE_ADDED_COLUMNS) {
      const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[];
      if (!columns.some((row) => row.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    const hasIdIndex = db.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'entries_by_transaction'",
    );
    if (hasIdIndex.get() !== undefined)
      db.transaction(() => {
        db.exec(SQLITE_SEQ_BACKFILL);
        db.exec(SQLITE_SCHEMA); // puts the append-only triggers back
      })();
    db.exec(SQLITE_SEQ_INDEXES);
    const storeCatalog = new StoreCatalog(catalog);
    for (const row of db.prepare('SELECT definition FROM products').all() as { definition: string }[])
      storeCatalog.putProduct(JSON.parse(row.definition) as Product);
    for (const row of db.prepare('SELECT definition FROM locations').all() as { definition: string }[])
      storeCatalog.putLocation(JSON.parse(row.definition) as Location);
    return new SqliteLedgerStore(db, path, storeCatalog, { ...options, logger: options.logger ?? silentLogger() });
  }

  async applyBatch(transactions: readonly Transaction[]): Promise<ApplyResult[]> {
    if (this.closed) raise(StoreErrors.CLOSED);
    if (transactions.length > BATCH_TRANSACTIONS_MAX)
      raise(StoreErrors.BATCH_TOO_LARGE, { count: transactions.length, max: BATCH_TRANSACTIONS_MAX });
    const nowMs = (this.options.nowMs ?? Date.now)();
    let state: WorkingState | undefined;
    let results: ApplyResult[];
    try {
      results = this.db
        .transaction(() => {
          // Another connection committed since our last batch: what we cached may be stale.
          const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
          if (dataVersion !== this.dataVersion) this.epcCache.clear();
          const source = new SqliteSource(this.statements, this.catalog, this.epcCache);
          state = new WorkingState(source);
          state.closedThroughMs = this.closedThroughMs() ?? undefined;
          source.prefetchEpcs(transactions);
          const batchResults = transactions.map((transaction) =>
            applyTransaction(state as WorkingState, transaction, nowMs),
          );
          this.persist(state);
          return batchResults;
        })
        .immediate();
      // data_version only moves for other connections' commits, so our own leave it as read above.
      this.dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    } catch (error) {
      this.epcCache.clear();
      throw error;
    }
    if (state) {
      this.catalog.absorb(state);
      for (const record of state.epcs.values()) this.epcCache.set(record.epc, record); // eviction in first-written order
      for (const epc of this.epcCache.keys()) {
        if (this.epcCache.size <= EPC_CACHE_ENTRIES_MAX) break;
        this.epcCache.delete(epc);
      }
    }
    return results;
  }

  private persist(state: WorkingState): void {
    const s = this.statements;
    for (const position of state.positions.values()) {
      s.upsertPosition.run(
        position.product,
        position.location,
        formatQuantity(position.qty),
        formatMoney(position.value),
        layersToJson(position.layers),
        position.entryCount,
        position.lastCountMs,
        position.epcCount,
      );
    }
    // Moves first (few per batch), so each EPC row can list the sequence numbers of its moves.
    const moveSeqs = state.epcMoves.map((move) =>
      Number(
        s.insertEpcMove.run(
          move.transactionId,
          move.product,
          move.location,
          move.status,
          move.timeMs,
          move.recordedMs,
          move.epcCount,
        ).lastInsertRowid,
      ),
    );
    // Item-level rows go in as one JSON array per statement: SQLite unpacks it in C, which
    // beats thousands of separate statement calls from JavaScript.
    for (const chunk of chunks([...state.epcs.values()], JSON_ROWS_PER_STATEMENT_MAX)) {
      s.upsertEpcs.run(
        JSON.stringify(
          chunk.map((record) => [
            record.epc,
            record.product,
            record.location,
            record.status,
            state
              .movesOf(record.epc)
              .map((index) => moveSeqs[index])
              .join(','),
          ]),
        ),
      );
    }
    const transactionSeqs = this.insertTransactions(state);
    for (const [id, reversalId] of state.reversed) s.markReversed.run(reversalId, id);
    this.insertEntriesAndJournal(state, transactionSeqs);
    for (const [account, delta] of state.accountDeltas) {
      const current = s.accountBalance.get(account) as { balance: string } | undefined;
      s.upsertAccount.run(account, formatMoney((current ? parseMoney(current.balance) : 0n) + delta));
    }
    for (const product of state.products.values()) s.upsertProduct.run(product.gtin, JSON.stringify(product));
    for (const location of state.locations.values()) s.upsertLocation.run(location.id, JSON.stringify(location));
  }

  /** Entries and journal lines as JSON-array statements, each naming its transaction's sequence number. */
  private insertEntriesAndJournal(state: WorkingState, transactionSeqs: ReadonlyMap<string, number>): void {
    const s = this.statements;
    // transaction_seq null (an entry of a transaction not in this batch, which the engine does not make): looked up.
    for (const chunk of chunks(state.entries, JSON_ROWS_PER_STATEMENT_MAX)) {
      s.insertEntries.run(
        JSON.stringify(
          chunk.map((entry) => [
            entry.transactionId,
            transactionSeqs.get(entry.transactionId) ?? null,
            entry.product,
            entry.location,
            entry.kind,
            formatQuantity(entry.qtyDelta),
            formatMoney(entry.valueDelta),
            formatQuantity(entry.qtyAfter),
            formatMoney(entry.valueAfter),
            entry.timeMs,
            entry.recordedMs,
            entry.reverses ?? null,
            provenanceToJson(entry),
          ]),
        ),
      );
    }
    for (const chunk of chunks(state.journal, JSON_ROWS_PER_STATEMENT_MAX)) {
      s.insertJournal.run(
        JSON.stringify(
          chunk.map((line) => [
            line.transactionId,
            transactionSeqs.get(line.transactionId) ?? null,
            line.account,
            formatMoney(line.debit),
            formatMoney(line.credit),
            line.timeMs,
            line.recordedMs,
          ]),
        ),
      );
    }
  }

  /**
   * The batch's transactions, their sequence numbers given explicitly (the next ones
   * after the largest ever used, as AUTOINCREMENT would) so entries and journal lines can name them.
   */
  private insertTransactions(state: WorkingState): Map<string, number> {
    const s = this.statements;
    const seqs = new Map<string, number>();
    let seq = s.lastTransactionSeq.get() as number;
    // One statement call per transaction: payload and result are large text, which binds cheaper than it
    // JSON-encodes twice (measured); entries and journal lines are small and go in as JSON arrays.
    for (const record of state.transactions.values()) {
      seqs.set(record.id, ++seq);
      s.insertTransaction.run(
        seq,
        record.id,
        record.type,
        record.payloadHash,
        JSON.stringify(record.payload),
        record.timeMs,
        record.recordedMs,
        JSON.stringify(record.result),
      );
    }
    return seqs;
  }

  async stock(filter: StockFilter = {}): Promise<StockRow[]> {
    const resolved = resolveStockFilter(this.catalog, filter);
    const rows = this.statements.positionsWhere.all({
      product: resolved.product ?? null,
      location: resolved.location ?? null,
    }) as PositionColumns[];
    return stockRowsOf(rows, resolved, this.catalog);
  }

  async entries(query: EntryQuery = {}): Promise<Page<EntryRow>> {
    const limit = pageLimit(query.limit);
    const rows = this.db
      .prepare(
        `SELECT * FROM entries WHERE seq > ? ${query.product ? 'AND product = @product' : ''} ${query.location ? 'AND location = @location' : ''} ${query.transactionId ? SEQ_OF_TRANSACTION_ID : ''} ORDER BY seq LIMIT ?`,
      )
      .all(query.after ?? 0, limit + 1, {
        product: query.product,
        location: query.location,
        transactionId: query.transactionId,
      }) as EntryColumns[];
    return page(rows.map(entryRowView), limit);
  }

  async journal(query: JournalQuery = {}): Promise<Page<JournalRow>> {
    const limit = pageLimit(query.limit);
    const rows = this.db
      .prepare(
        `SELECT * FROM journal WHERE seq > ? ${query.account ? 'AND account = @account' : ''} ${query.transactionId ? SEQ_OF_TRANSACTION_ID : ''} ORDER BY seq LIMIT ?`,
      )
      .all(query.after ?? 0, limit + 1, {
        account: query.account,
        transactionId: query.transactionId,
      }) as JournalColumns[];
    return page(rows.map(journalRowView), limit);
  }

  async trialBalance(): Promise<TrialBalance> {
    const rows = this.db.prepare('SELECT account, balance FROM accounts ORDER BY account').all() as {
      account: string;
      balance: string;
    }[];
    return trialBalanceOf(rows.map((row) => ({ account: row.account, balance: parseMoney(row.balance) })));
  }

  async trialBalanceAt(untilMs: number): Promise<TrialBalance> {
    const balances = new Map<string, bigint>();
    const lines = this.db.prepare('SELECT account, debit, credit FROM journal WHERE time_ms <= ?').iterate(untilMs);
    for (const line of lines as IterableIterator<{ account: string; debit: string; credit: string }>)
      balances.set(line.account, (balances.get(line.account) ?? 0n) + parseMoney(line.debit) - parseMoney(line.credit));
    const rows = [...balances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return trialBalanceOf(rows.map(([account, balance]) => ({ account, balance })));
  }

  private closedThroughMs(): number | null {
    return toNumberOrNull((this.db.prepare(PERIOD_QUERIES.closedThrough).get() as PeriodRow | undefined)?.end_ms);
  }

  async closePeriod(period: string): Promise<PeriodCloseResult> {
    if (this.closed) raise(StoreErrors.CLOSED);
    const decision = decidePeriodClose(period, this.closedThroughMs(), (this.options.nowMs ?? Date.now)());
    if (decision.kind === 'done') return decision.result;
    const { row } = decision;
    this.db
      .prepare('INSERT INTO periods (period, end_ms, closed_ms) VALUES (?, ?, ?)')
      .run(row.period, row.end_ms, row.closed_ms);
    return { ok: true, ...periodView(row) };
  }

  async periods(): Promise<PeriodClose[]> {
    return (this.db.prepare(PERIOD_QUERIES.all).all() as PeriodRow[]).map((row) => periodView(row));
  }

  async epcHistory(epc: string): Promise<{ current: EpcRow | null; history: EpcRow[] }> {
    const current = this.statements.epc.get(epc) as (EpcColumns & { moves: string }) | undefined;
    if (!current) return { current: null, history: [] };
    const moves = this.statements.movesIn.all(JSON.stringify(current.moves.split(',').map(Number))) as MoveColumns[];
    return epcHistoryOf(epc, current, moves);
  }

  async epcsWhere(query: EpcQuery): Promise<EpcRow[]> {
    const locations = query.locations ? JSON.stringify(query.locations) : null;
    const s = this.statements;
    // Alerts ask twice a second under load: the two questions they ask each get a partial index, not a scan of
    // every EPC ever seen.
    const rows = (
      query.status === 'missing' && locations === null
        ? s.epcsMissing.all(query.limit)
        : query.status === 'in_stock' && locations !== null
          ? s.epcsInStockAt.all(locations, query.limit)
          : s.epcsWhere.all(query.status, locations, locations, query.limit)
    ) as (EpcColumns & { moves: string })[];
    // The last entry of `moves` is the move that put the EPC where it is now.
    const lastSeq = (row: { moves: string }) => Number(row.moves.slice(row.moves.lastIndexOf(',') + 1));
    const lastMoves = this.statements.movesIn.all(JSON.stringify(rows.map(lastSeq))) as MoveColumns[];
    return epcsWithLastMove(rows, lastMoves, lastSeq);
  }

  async transaction(id: string): Promise<TransactionView | undefined> {
    const row = this.db.prepare('SELECT * FROM transactions WHERE id = ?').get(id) as TransactionColumns | undefined;
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
    const rows = this.db
      .prepare(
        "SELECT transaction_id, location, qty_delta, time_ms FROM entries WHERE product = ? AND kind = 'sale' AND time_ms >= ? ORDER BY time_ms, seq",
      )
      .all(gtin, sinceMs) as { transaction_id: string; location: string; qty_delta: string; time_ms: number }[];
    return saleRecordsOf(rows, site, this.catalog);
  }

  async check(): Promise<CheckReport> {
    const checker = new InvariantChecker(
      (location) => this.catalog.inventoryAccountOf(location),
      (product) => this.catalog.product(product)?.valuation,
    );
    for (const row of this.db.prepare('SELECT * FROM positions').iterate() as IterableIterator<PositionColumns>)
      checker.addPosition(positionFromRow(row));
    for (const row of this.db
      .prepare('SELECT product, location, qty_delta, value_delta, qty_after, value_after FROM entries ORDER BY seq')
      .iterate() as IterableIterator<EntryColumns>) {
      checker.addEntry(
        row.product,
        row.location,
        parseQuantity(row.qty_delta),
        parseMoney(row.value_delta),
        parseQuantity(row.qty_after),
        parseMoney(row.value_after),
      );
    }
    for (const row of this.db.prepare('SELECT account, debit, credit FROM journal').iterate() as IterableIterator<{
      account: string;
      debit: string;
      credit: string;
    }>) {
      checker.addJournalLine(row.account, parseMoney(row.debit), parseMoney(row.credit));
    }
    for (const row of this.db.prepare('SELECT account, balance FROM accounts').all() as {
      account: string;
      balance: string;
    }[])
      checker.addAccountBalance(row.account, parseMoney(row.balance));
    for (const row of this.db
      .prepare("SELECT product, location FROM epcs WHERE status = 'in_stock'")
      .iterate() as IterableIterator<{ product: string; location: string }>) {
      checker.addEpcInStock(row.product, row.location);
    }
    this.feedValuationChecks(checker);
    const report = checker.report();
    const sequences = this.sequenceCheck();
    return { ok: report.ok && sequences.ok, checks: [...report.checks, sequences] };
  }

  /** Rows whose transaction_seq is not their transaction's: lookups by transaction would miss them. */
  private sequenceCheck(): CheckItem {
    const check = checkItem("entries and journal lines carry their transaction's sequence number");
    const rows = this.db.prepare(CHECK_QUERIES.sqliteSeqMismatches).all() as Array<{
      tbl: string;
      seq: number;
      transaction_id: string;
      transaction_seq: number | null;
    }>;
    check.checked = 1;
    for (const row of rows)
      failCheck(
        check,
        `${row.tbl} row ${row.seq} of ${row.transaction_id}: transaction_seq ${row.transaction_seq ?? 'missing'}`,
      );
    return check;
  }

  /** Sequence numbers of the transactions layers are named after, and reversed transactions with their reversals. */
  private feedValuationChecks(checker: InvariantChecker): void {
    const sequences = this.db.prepare(CHECK_QUERIES.sqliteSequences).all(JSON.stringify(checker.layerSourceIds()));
    for (const row of sequences as { id: string; seq: number }[]) checker.addTransactionSequence(row.id, row.seq);
    for (const row of this.db.prepare(CHECK_QUERIES.reversalPairs).all() as { id: string; reversed_by: string }[])
      checker.addReversalPair(row.id, row.reversed_by);
    for (const row of this.db.prepare(CHECK_QUERIES.pairEntries).all() as PairEntryRow[])
      checker.addPairEntry(row.transaction_id, row.product, row.location, parseQuantity(row.qty_delta));
    for (const row of this.db.prepare(CHECK_QUERIES.pairJournal).all() as PairJournalRow[])
      checker.addPairJournalLine(row.transaction_id, row.account, parseMoney(row.debit), parseMoney(row.credit));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    await this.releaseCheckpointer();
  }
}

function prepare(db: SqliteDatabase) {
  const statement = (sql: string): Statement => db.prepare(sql);
  return {
    position: statement('SELECT * FROM positions WHERE product = ? AND location = ?'),
    positionsWhere: statement(
      'SELECT * FROM positions WHERE (@product IS NULL OR product = @product) AND (@location IS NULL OR location = @location) ORDER BY product, location',
    ),
    epc: statement('SELECT * FROM epcs WHERE epc = ?'),
    epcsIn: statement('SELECT e.* FROM json_each(?) j JOIN epcs e ON e.epc = j.value'),
    epcsAt: statement("SELECT * FROM epcs WHERE location = ? AND status = 'in_stock' ORDER BY epc"),
    transaction: statement('SELECT * FROM transactions WHERE id = ?'),
    entriesOf: statement(
      'SELECT * FROM entries WHERE transaction_seq = (SELECT seq FROM transactions WHERE id = ?) ORDER BY seq',
    ),
    journalOf: statement(
      'SELECT * FROM journal WHERE transaction_seq = (SELECT seq FROM transactions WHERE id = ?) ORDER BY seq',
    ),
    upsertPosition: statement(
      `INSERT INTO positions (product, location, qty, value, layers, entry_count, last_count_ms, epc_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (product, location) DO UPDATE SET qty = excluded.qty, value = excluded.value, layers = excluded.layers, entry_count = excluded.entry_count, last_count_ms = excluded.last_count_ms, epc_count = excluded.epc_count`,
    ),
    upsertEpcs: statement(
      `INSERT INTO epcs (epc, product, location, status, moves)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) WHERE true
       ON CONFLICT (epc) DO UPDATE SET product = excluded.product, location = excluded.location, status = excluded.status, moves = epcs.moves || ',' || excluded.moves`,
    ),
    insertEpcMove: statement(
      'INSERT INTO epc_moves (transaction_id, product, location, status, time_ms, recorded_ms, epc_count) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    movesIn: statement('SELECT m.* FROM json_each(?) j JOIN epc_moves m ON m.seq = j.value ORDER BY m.seq'),
    epcsMissing: statement("SELECT * FROM epcs WHERE status = 'missing' ORDER BY epc LIMIT ?"),
    epcsInStockAt: statement(
      "SELECT * FROM epcs WHERE status = 'in_stock' AND location IN (SELECT value FROM json_each(?)) ORDER BY epc LIMIT ?",
    ),
    epcsWhere: statement(
      'SELECT * FROM epcs WHERE status = ? AND (? IS NULL OR location IN (SELECT value FROM json_each(?))) ORDER BY epc LIMIT ?',
    ),
    lastTransactionSeq: statement(
      "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'transactions'), 0), coalesce((SELECT max(seq) FROM transactions), 0))",
    ).pluck(),
    insertTransaction: statement(
      'INSERT INTO transactions (seq, id, type, payload_hash, payload, time_ms, recorded_ms, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    markReversed: statement('UPDATE transactions SET reversed_by = ? WHERE id = ?'),
    insertEntries: statement(
      `INSERT INTO entries (transaction_id, transaction_seq, product, location, kind, qty_delta, value_delta, qty_after, value_after, time_ms, recorded_ms, reverses, layers)
       SELECT value ->> 0, coalesce(value ->> 1, (SELECT seq FROM transactions WHERE id = value ->> 0)), value ->> 2, value ->> 3, value ->> 4, value ->> 5,
         value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12 FROM json_each(?)`,
    ),
    insertJournal: statement(
      `INSERT INTO journal (transaction_id, transaction_seq, account, debit, credit, time_ms, recorded_ms)
       SELECT value ->> 0, coalesce(value ->> 1, (SELECT seq FROM transactions WHERE id = value ->> 0)), value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
       FROM json_each(?)`,
    ),
    accountBalance: statement('SELECT balance FROM accounts WHERE account = ?'),
    upsertAccount: statement(
      'INSERT INTO accounts (account, balance) VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET balance = excluded.balance',
    ),
    upsertProduct: statement(
      'INSERT INTO products (gtin, definition) VALUES (?, ?) ON CONFLICT (gtin) DO UPDATE SET definition = excluded.definition',
    ),
    upsertLocation: statement(
      'INSERT INTO locations (id, definition) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition',
    ),
  };
}

/** Reads for one batch, cached: the engine asks for the same position many times. */
class SqliteSource implements StateSource {
  private readonly positions = new Map<string, Position | undefined>();
  private readonly epcs = new Map<string, EpcRecord | undefined>();

  constructor(
    private readonly statements: ReturnType<typeof prepare>,
    private readonly catalog: StoreCatalog,
    private readonly epcCache: ReadonlyMap<string, EpcRecord>,
  ) {}

  /** One query for every EPC of the batch the cache does not hold, instead of one per EPC. */
  prefetchEpcs(transactions: readonly Transaction[]): void {
    const list: string[] = [];
    for (const transaction of transactions) {
      if (!('epcs' in transaction) || !transaction.epcs) continue;
      for (const epc of transaction.epcs) {
        const cached = this.epcCache.get(epc);
        if (cached) this.epcs.set(epc, cached);
        else list.push(epc);
      }
    }
    if (list.length === 0) return;
    for (const epc of list) this.epcs.set(epc, undefined);
    for (const row of this.statements.epcsIn.all(JSON.stringify(list)) as EpcColumns[])
      this.epcs.set(row.epc, epcFromRow(row));
  }

  product(gtin: string): Product | undefined {
    return this.catalog.product(gtin);
  }

  productBySku(sku: string): string | undefined {
    return this.catalog.productBySku(sku);
  }

  location(id: string): Location | undefined {
    return this.catalog.location(id);
  }

  position(product: string, location: string): Position | undefined {
    const key = positionKey(product, location);
    if (this.positions.has(key)) return this.positions.get(key);
    const row = this.statements.position.get(product, location) as PositionColumns | undefined;
    const position = row ? positionFromRow(row) : undefined;
    this.positions.set(key, position);
    return position;
  }

  epc(epc: string): EpcRecord | undefined {
    if (this.epcs.has(epc)) return this.epcs.get(epc);
    const row = this.statements.epc.get(epc) as EpcColumns | undefined;
    const record = row ? epcFromRow(row) : undefined;
    this.epcs.set(epc, record);
    return record;
  }

  epcsAt(location: string): readonly EpcRecord[] {
    return (this.statements.epcsAt.all(location) as EpcColumns[]).map(epcFromRow);
  }

  transaction(id: string): TransactionRecord | undefined {
    const row = this.statements.transaction.get(id) as TransactionColumns | undefined;
    return row ? transactionFromRow(row) : undefined;
  }

  entriesOf(transactionId: string): readonly Entry[] {
    return (this.statements.entriesOf.all(transactionId) as EntryColumns[]).map(entryFromRow);
  }

  journalOf(transactionId: string): readonly JournalLine[] {
    return (this.statements.journalOf.all(transactionId) as JournalColumns[]).map(journalLineFromRow);
  }
}
