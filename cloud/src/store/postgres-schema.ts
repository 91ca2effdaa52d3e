/**
 * PostgreSQL schema: the SQLite one with exact NUMERIC decimals and BIGINT times.
 * entries, journal and epc_moves are append-only (a trigger rejects UPDATE/DELETE).
 */
export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS transactions (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  payload TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  recorded_ms BIGINT NOT NULL,
  result TEXT NOT NULL,
  reversed_by TEXT
);
CREATE TABLE IF NOT EXISTS entries (
  seq BIGSERIAL PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  kind TEXT NOT NULL,
  qty_delta NUMERIC NOT NULL,
  value_delta NUMERIC NOT NULL,
  qty_after NUMERIC NOT NULL,
  value_after NUMERIC NOT NULL,
  time_ms BIGINT NOT NULL,
  recorded_ms BIGINT NOT NULL,
  reverses TEXT,
  layers TEXT
);
ALTER TABLE entries ADD COLUMN IF NOT EXISTS layers TEXT;
CREATE INDEX IF NOT EXISTS entries_by_transaction ON entries (transaction_id);
CREATE INDEX IF NOT EXISTS entries_by_product_time ON entries (product, time_ms);
CREATE TABLE IF NOT EXISTS journal (
  seq BIGSERIAL PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  account TEXT NOT NULL,
  debit NUMERIC NOT NULL,
  credit NUMERIC NOT NULL,
  time_ms BIGINT NOT NULL,
  recorded_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_transaction ON journal (transaction_id);
CREATE TABLE IF NOT EXISTS positions (
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  qty NUMERIC NOT NULL,
  value NUMERIC NOT NULL,
  layers TEXT NOT NULL,
  entry_count INTEGER NOT NULL,
  last_count_ms BIGINT,
  epc_count INTEGER NOT NULL,
  PRIMARY KEY (product, location)
);
CREATE TABLE IF NOT EXISTS accounts (account TEXT PRIMARY KEY, balance NUMERIC NOT NULL);
CREATE TABLE IF NOT EXISTS epcs (
  epc TEXT PRIMARY KEY,
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  status TEXT NOT NULL,
  moves BIGINT[] NOT NULL -- epc_moves.seq: where this EPC has been, in order (the last one says when and by which transaction)
);
CREATE INDEX IF NOT EXISTS epcs_in_stock ON epcs (location) WHERE status = 'in_stock';
CREATE INDEX IF NOT EXISTS epcs_missing ON epcs (epc) WHERE status = 'missing';
CREATE TABLE IF NOT EXISTS epc_moves (
  seq BIGSERIAL PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  product TEXT NOT NULL,
  location TEXT NOT NULL,
  status TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  recorded_ms BIGINT NOT NULL,
  epc_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS periods (period TEXT PRIMARY KEY, end_ms BIGINT NOT NULL, closed_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS products (gtin TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS locations (id TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE OR REPLACE FUNCTION stockwire_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a reversal', TG_TABLE_NAME;
END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'entries_append_only') THEN
    CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION stockwire_append_only();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'journal_append_only') THEN
    CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal FOR EACH ROW EXECUTE FUNCTION stockwire_append_only();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'epc_moves_append_only') THEN
    CREATE TRIGGER epc_moves_append_only BEFORE UPDATE OR DELETE ON epc_moves FOR EACH ROW EXECUTE FUNCTION stockwire_append_only();
  END IF;
END $$;
`;

/** The ledger lock (xact-scoped advisory): batches hold it shared, a period close exclusive (postgres-site-locks.ts). */
export const LEDGER_LOCK_KEY = 0x5717_0001;
/** First key of the two-key advisory locks held per site (second key: hashtext of the site id). */
export const SITE_LOCK_CLASS = 0x5717_0002;

/** Receiving (cloud/src/receiving): versioned JSON documents, see RECEIVING_SQLITE_SCHEMA. */
export const RECEIVING_POSTGRES_SCHEMA = `
CREATE SEQUENCE IF NOT EXISTS receiving_documents_seq;
CREATE TABLE IF NOT EXISTS receiving_documents (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  site TEXT,
  status TEXT,
  body JSONB NOT NULL,
  created_seq BIGINT NOT NULL DEFAULT nextval('receiving_documents_seq'),
  PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS receiving_documents_by_status ON receiving_documents (kind, status, site, created_seq);
`;
