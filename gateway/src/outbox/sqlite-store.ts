import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { raise } from '../../../shared/src/errors.js';
import { OutboxErrors } from './errors.js';
import type { OutboxEntry, OutboxRow, OutboxStats, OutboxStore } from './store.js';
import { payloadBytes } from './store.js';

const SCHEMA_VERSION = 1;
/** SQLite binds at most 32,766 parameters; removals are chunked well below that. */
const REMOVE_CHUNK_MAX = 500;

/** Opens (or creates) the file with the durable pragmas and the current schema. */
function openDatabase(path: string): Database.Database {
  let database: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
  } catch (error) {
    return raise(
      OutboxErrors.OPEN_FAILED,
      { path, reason: error instanceof Error ? error.message : String(error) },
      error,
    );
  }
  const found = database.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION) {
    database.close();
    raise(OutboxErrors.SCHEMA_NEWER, { path, found, supported: SCHEMA_VERSION });
  }
  database.exec(`
    CREATE TABLE IF NOT EXISTS outbox (
      sequence INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL,
      payload TEXT NOT NULL,
      bytes INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT OR IGNORE INTO outbox_meta (key, value) VALUES ('dropped_total', 0);
  `);
  database.pragma(`user_version = ${SCHEMA_VERSION}`);
  return database;
}

/** Every statement the store runs, prepared once. */
function prepareStatements(database: Database.Database) {
  return {
    insert: database.prepare('INSERT INTO outbox (event_id, payload, bytes) VALUES (?, ?, ?)'),
    selectAfter: database.prepare(
      // Aliased to OutboxRow's names: a page of rows comes back without a copy per row.
      'SELECT sequence, event_id AS eventId, payload, bytes FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?',
    ),
    totalsThrough: database.prepare(
      'SELECT COUNT(*) AS removed, COALESCE(SUM(bytes), 0) AS removedBytes FROM outbox WHERE sequence <= ?',
    ),
    deleteThrough: database.prepare('DELETE FROM outbox WHERE sequence <= ?'),
    selectOldest: database.prepare('SELECT sequence, bytes FROM outbox ORDER BY sequence LIMIT ?'),
    addDropped: database.prepare("UPDATE outbox_meta SET value = value + ? WHERE key = 'dropped_total'"),
    selectDropped: database.prepare("SELECT value FROM outbox_meta WHERE key = 'dropped_total'"),
    selectLastSequence: database.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"),
    selectTotals: database.prepare('SELECT COUNT(*) AS depth, COALESCE(SUM(bytes), 0) AS bytes FROM outbox'),
  };
}

type Removal = { removed: number; removedBytes: number };

/** The store's writes, each one SQLite transaction (one fsync with synchronous=FULL). */
function writeTransactions(database: Database.Database, statements: ReturnType<typeof prepareStatements>) {
  const deleteChunk = (sequences: readonly number[]): Removal => {
    const placeholders = sequences.map(() => '?').join(',');
    const doomed = database
      .prepare(`DELETE FROM outbox WHERE sequence IN (${placeholders}) RETURNING bytes`)
      .all(...sequences) as { bytes: number }[];
    return { removed: doomed.length, removedBytes: doomed.reduce((sum, row) => sum + row.bytes, 0) };
  };

  const append = database.transaction((entries: readonly OutboxEntry[]): OutboxRow[] =>
    entries.map((entry) => {
      const rowBytes = payloadBytes(entry.payload);
      const result = statements.insert.run(entry.eventId, entry.payload, rowBytes);
      return { ...entry, sequence: Number(result.lastInsertRowid), bytes: rowBytes };
    }),
  );

  const remove = database.transaction((sequences: readonly number[]): Removal => {
    let removed = 0;
    let removedBytes = 0;
    for (let start = 0; start < sequences.length; start += REMOVE_CHUNK_MAX) {
      const chunk = deleteChunk(sequences.slice(start, start + REMOVE_CHUNK_MAX));
      removed += chunk.removed;
      removedBytes += chunk.removedBytes;
    }
    return { removed, removedBytes };
  });

  const removeThrough = database.transaction((sequence: number): Removal => {
    const result = statements.totalsThrough.get(sequence) as Removal;
    if (result.removed > 0) statements.deleteThrough.run(sequence);
    return result;
  });

  const dropOldest = database.transaction((count: number): Removal => {
    const oldest = statements.selectOldest.all(count) as { sequence: number; bytes: number }[];
    const result = remove(oldest.map((row) => row.sequence));
    statements.addDropped.run(result.removed);
    return result;
  });

  return { append, remove, removeThrough, dropOldest };
}

/**
 * Durable outbox in SQLite. WAL with synchronous=FULL: a committed append
 * survives a power cut (better-sqlite3's WAL default, NORMAL, may lose the last
 * commits). AUTOINCREMENT keeps sequences strictly increasing and never reused,
 * even after every row has been removed.
 */
export function openSqliteOutboxStore(path: string): OutboxStore {
  const database = openDatabase(path);
  const statements = prepareStatements(database);
  const write = writeTransactions(database, statements);
  const totals = statements.selectTotals.get() as { depth: number; bytes: number };

  // Depth and bytes are kept in memory (one process owns the file) so status is free.
  let depth = totals.depth;
  let bytes = totals.bytes;
  let lastSequence = (statements.selectLastSequence.get() as { seq: number } | undefined)?.seq ?? 0;
  let droppedTotal = (statements.selectDropped.get() as { value: number }).value;
  const account = (result: Removal): number => {
    depth -= result.removed;
    bytes -= result.removedBytes;
    return result.removed;
  };

  return {
    append(entries: readonly OutboxEntry[]): OutboxRow[] {
      if (entries.length === 0) return [];
      const rows = write.append(entries);
      depth += rows.length;
      for (const row of rows) bytes += row.bytes;
      lastSequence = rows[rows.length - 1]?.sequence ?? lastSequence;
      return rows;
    },
    readAfter(afterSequence: number, limit: number): OutboxRow[] {
      return statements.selectAfter.all(afterSequence, limit) as OutboxRow[];
    },
    remove(sequences: readonly number[]): number {
      if (sequences.length === 0) return 0;
      return account(write.remove(sequences));
    },
    removeThrough(sequence: number): number {
      if (depth === 0) return 0;
      return account(write.removeThrough(sequence));
    },
    dropOldest(count: number): number {
      if (count <= 0) return 0;
      const removed = account(write.dropOldest(count));
      droppedTotal += removed;
      return removed;
    },
    stats(): OutboxStats {
      return { depth, bytes, lastSequence, droppedTotal };
    },
    close(): void {
      if (database.open) database.close();
    },
  };
}
