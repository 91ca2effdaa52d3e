/**
 * Queries the valuation checks read in both SQL stores (plain SQL both dialects
 * accept; PostgreSQL returns NUMERIC as text). Only reversed transactions and their
 * reversals are read in full: the rest of the check works on sums.
 */
const PAIR_IDS =
  'SELECT id FROM transactions WHERE reversed_by IS NOT NULL UNION SELECT reversed_by FROM transactions WHERE reversed_by IS NOT NULL';

export const CHECK_QUERIES = {
  reversalPairs: 'SELECT id, reversed_by FROM transactions WHERE reversed_by IS NOT NULL ORDER BY seq',
  pairEntries: `SELECT transaction_id, product, location, qty_delta FROM entries WHERE transaction_id IN (${PAIR_IDS})`,
  pairJournal: `SELECT transaction_id, account, debit, credit FROM journal WHERE transaction_id IN (${PAIR_IDS})`,
  // SQLite finds a transaction's rows by its sequence number (the index it keeps, see SQLITE_SEQ_INDEXES); the check
  // reads pairs by id (above: one scan) and asks here that every row's sequence number is its transaction's, so a
  // row the index would not find cannot hide from the other checks.
  sqliteSeqMismatches: `SELECT 'entries' AS tbl, seq, transaction_id, transaction_seq FROM entries WHERE transaction_seq IS NOT (SELECT seq FROM transactions t WHERE t.id = entries.transaction_id)
    UNION ALL SELECT 'journal', seq, transaction_id, transaction_seq FROM journal WHERE transaction_seq IS NOT (SELECT seq FROM transactions t WHERE t.id = journal.transaction_id) LIMIT 21`,
  sqliteSequences: 'SELECT id, seq FROM transactions WHERE id IN (SELECT value FROM json_each(?))',
  postgresSequences: 'SELECT id, seq FROM transactions WHERE id = ANY($1::text[])',
} as const;

export interface PairEntryRow {
  transaction_id: string;
  product: string;
  location: string;
  qty_delta: string;
}

export interface PairJournalRow {
  transaction_id: string;
  account: string;
  debit: string;
  credit: string;
}
