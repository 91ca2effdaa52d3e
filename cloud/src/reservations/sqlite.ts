import Database, { type Database as SqliteDatabase } from 'better-sqlite3';
import { RESERVATIONS_OPEN_PER_SITE_MAX, type ReservationRecord } from './contract.js';
import type { ReservationSession, ReservationStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  status TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reservations_open ON reservations (site, status, expires_ms);
`;

/**
 * Reservations in SQLite: the ledger's file (own connection, own table) or memory. One process owns a
 * SQLite ledger, so an in-process queue serialises decisions; each write is one short statement, so the
 * ledger's writer never waits on a decision that is reading stock.
 */
export class SqliteReservationStore implements ReservationStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: SqliteDatabase) {}

  static open(path: string): SqliteReservationStore {
    const db = new Database(path);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new SqliteReservationStore(db);
  }

  exclusive<T>(work: (session: ReservationSession) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => work(this.session()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async get(id: string): Promise<ReservationRecord | undefined> {
    return this.session().get(id);
  }

  async listOpen(nowMs: number, site?: string): Promise<ReservationRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT record FROM reservations WHERE status = 'open' AND expires_ms > ?${site === undefined ? '' : ' AND site = ?'} LIMIT ?`,
      )
      .all(...(site === undefined ? [nowMs] : [nowMs, site]), RESERVATIONS_OPEN_PER_SITE_MAX) as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as ReservationRecord);
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }

  private session(): ReservationSession {
    return {
      get: async (id) => {
        const row = this.db.prepare('SELECT record, status FROM reservations WHERE id = ?').get(id) as
          { record: string; status: ReservationRecord['status'] } | undefined;
        return row === undefined ? undefined : { ...(JSON.parse(row.record) as ReservationRecord), status: row.status };
      },
      listOpen: (nowMs, site) => this.listOpen(nowMs, site),
      put: async (record) => {
        this.db
          .prepare(
            `INSERT INTO reservations (id, site, status, expires_ms, record) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
          )
          .run(record.id, record.site, record.status, record.expiresMs, JSON.stringify(record));
      },
      expire: async (nowMs) =>
        this.db
          .prepare("UPDATE reservations SET status = 'expired' WHERE status = 'open' AND expires_ms <= ?")
          .run(nowMs).changes,
    };
  }
}
