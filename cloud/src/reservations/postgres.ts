import pg from 'pg';
import { openPoolWithSchema } from '../store/postgres-pool.js';
import { RESERVATIONS_OPEN_PER_SITE_MAX, type ReservationRecord } from './contract.js';
import type { ReservationSession, ReservationStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  status TEXT NOT NULL,
  expires_ms BIGINT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reservations_open ON reservations (site, status, expires_ms);
`;
/** Advisory lock key of reservation decisions (distinct from the ledger's writer lock). */
const RESERVATION_LOCK_KEY = 0x5357_5245; // "SWRE"

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Reservations in PostgreSQL: each decision is one database transaction holding an advisory lock, so
 * decisions from every cloud process sharing the database run one at a time.
 */
export class PostgresReservationStore implements ReservationStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, poolSize = 2): Promise<PostgresReservationStore> {
    return new PostgresReservationStore(await openPoolWithSchema(url, poolSize, SCHEMA, RESERVATION_LOCK_KEY));
  }

  async exclusive<T>(work: (session: ReservationSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [RESERVATION_LOCK_KEY]);
      const result = await work(session(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  get(id: string): Promise<ReservationRecord | undefined> {
    return session(this.pool).get(id);
  }

  listOpen(nowMs: number, site?: string): Promise<ReservationRecord[]> {
    return listOpen(this.pool, nowMs, site);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function listOpen(db: Queryable, nowMs: number, site?: string): Promise<ReservationRecord[]> {
  const result = await db.query<{ record: string }>(
    `SELECT record FROM reservations WHERE status = 'open' AND expires_ms > $1 AND ($2::text IS NULL OR site = $2) LIMIT $3`,
    [nowMs, site ?? null, RESERVATIONS_OPEN_PER_SITE_MAX],
  );
  return result.rows.map((row) => JSON.parse(row.record) as ReservationRecord);
}

function session(db: Queryable): ReservationSession {
  return {
    get: async (id) => {
      const result = await db.query<{ record: string; status: ReservationRecord['status'] }>(
        'SELECT record, status FROM reservations WHERE id = $1',
        [id],
      );
      const row = result.rows[0];
      return row === undefined ? undefined : { ...(JSON.parse(row.record) as ReservationRecord), status: row.status };
    },
    listOpen: (nowMs, site) => listOpen(db, nowMs, site),
    put: async (record) => {
      await db.query(
        `INSERT INTO reservations (id, site, status, expires_ms, record) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
        [record.id, record.site, record.status, record.expiresMs, JSON.stringify(record)],
      );
    },
    expire: async (nowMs) =>
      (await db.query("UPDATE reservations SET status = 'expired' WHERE status = 'open' AND expires_ms <= $1", [nowMs]))
        .rowCount ?? 0,
  };
}
