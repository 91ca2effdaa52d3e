/**
 * SQLite schema. Decimals are TEXT (exact); entries, journal and EPC moves are
 * append-only, enforced by triggers. positions, epcs and accounts are the
 * materialised balances, rewritten by each batch.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS transactions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  payload TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  recorded_ms INTEGER NOT NULL,
  result TEXT NOT NULL,
  reversed_by TEXT
);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  transaction_seq INTEGER, -- transactions.seq: the index on it grows at its right edge (see SQLITE_SEQ_INDEXES)
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  kind TEXT NOT NULL,
  qty_delta TEXT NOT NULL,
  value_delta TEXT NOT NULL,
  qty_after TEXT NOT NULL,
  value_after TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  recorded_ms INTEGER NOT NULL,
  reverses TEXT,
  layers TEXT -- layer provenance: what the entry put in and took out (reversals restore exactly that)
);
CREATE INDEX IF NOT EXISTS entries_by_product_time ON entries (product, time_ms);
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  transaction_seq INTEGER,
  account TEXT NOT NULL,
  debit TEXT NOT NULL,
  credit TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  recorded_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS positions (
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  qty TEXT NOT NULL,
  value TEXT NOT NULL,
  layers TEXT NOT NULL,
  entry_count INTEGER NOT NULL,
  last_count_ms INTEGER,
  epc_count INTEGER NOT NULL,
  PRIMARY KEY (product, location)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accounts (account TEXT PRIMARY KEY, balance TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS epcs (
  epc TEXT PRIMARY KEY,
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  status TEXT NOT NULL,
  moves TEXT NOT NULL -- comma-separated epc_moves.seq: where this EPC has been, in order (the last one says when and by which transaction)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS epcs_in_stock ON epcs (location) WHERE status = 'in_stock';
CREATE INDEX IF NOT EXISTS epcs_missing ON epcs (epc) WHERE status = 'missing';
CREATE TABLE IF NOT EXISTS epc_moves (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  status TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  recorded_ms INTEGER NOT NULL,
  epc_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS periods (period TEXT PRIMARY KEY, end_ms INTEGER NOT NULL, closed_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS products (gtin TEXT PRIMARY KEY, definition TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS locations (id TEXT PRIMARY KEY, definition TEXT NOT NULL) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS entries_append_only_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal'); END;
CREATE TRIGGER IF NOT EXISTS entries_append_only_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'entries are append-only: post a reversal'); END;
CREATE TRIGGER IF NOT EXISTS journal_append_only_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only: post a reversal'); END;
CREATE TRIGGER IF NOT EXISTS journal_append_only_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only: post a reversal'); END;
CREATE TRIGGER IF NOT EXISTS epc_moves_append_only_update BEFORE UPDATE ON epc_moves BEGIN SELECT RAISE(ABORT, 'EPC moves are append-only'); END;
CREATE TRIGGER IF NOT EXISTS epc_moves_append_only_delete BEFORE DELETE ON epc_moves BEGIN SELECT RAISE(ABORT, 'EPC moves are append-only'); END;
`;

/** Columns added after the first release: added to existing databases on open. */
export const SQLITE_ADDED_COLUMNS = [
  { table: 'entries', column: 'layers', type: 'TEXT' },
  { table: 'entries', column: 'transaction_seq', type: 'INTEGER' },
  { table: 'journal', column: 'transaction_seq', type: 'INTEGER' },
] as const;

/**
 * Entries and journal lines are found by their transaction through its sequence number, not its id. The id
 * is an eventID hash: an index on it takes a random leaf page per event, and each dirtied page is written at
 * COMMIT (half the ledger's time under load). Sequence numbers only grow, so a batch dirties one or two pages.
 * Databases from before this index are backfilled on open (`SQLITE_SEQ_BACKFILL`), then the id indexes dropped.
 */
export const SQLITE_SEQ_INDEXES = `
CREATE INDEX IF NOT EXISTS entries_by_transaction_seq ON entries (transaction_seq);
CREATE INDEX IF NOT EXISTS journal_by_transaction_seq ON journal (transaction_seq);
`;

/** One-off for databases that still have the id indexes: fills `transaction_seq` (append-only triggers lifted for it). */
export const SQLITE_SEQ_BACKFILL = `
DROP TRIGGER IF EXISTS entries_append_only_update;
DROP TRIGGER IF EXISTS journal_append_only_update;
UPDATE entries SET transaction_seq = (SELECT seq FROM transactions t WHERE t.id = entries.transaction_id) WHERE transaction_seq IS NULL;
UPDATE journal SET transaction_seq = (SELECT seq FROM transactions t WHERE t.id = journal.transaction_id) WHERE transaction_seq IS NULL;
DROP INDEX IF EXISTS entries_by_transaction;
DROP INDEX IF EXISTS journal_by_transaction;
`;
/**
 * Receiving (cloud/src/receiving): purchase orders, ASNs, invoices, receipt plans and the SSCC
 * index, each a JSON document with a version for optimistic writes.
 */
export const RECEIVING_SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS receiving_documents (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  site TEXT,
  status TEXT,
  body TEXT NOT NULL,
  created_seq INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS receiving_documents_by_status ON receiving_documents (kind, status, site, created_seq);
-- MAX(created_seq) on every insert: without it, a scan of every document.
CREATE INDEX IF NOT EXISTS receiving_documents_by_created ON receiving_documents (created_seq);
`;
