import pg from 'pg';
import { openPoolWithSchema } from '../store/postgres-pool.js';
import type {
  CaptureJob,
  EpcisEventStore,
  EventQuery,
  ForwardItem,
  InsertOutcome,
  StoredEvent,
  StoredEventInput,
} from './event-store.js';
import { JOBS_KEPT_DEFAULT, PRUNE_JOBS_SQL } from './event-store.js';
import { eventQueryWhere } from './event-query-sql.js';
import { EVENT_INSERT_COLUMNS, eventInsertValues, eventStoreDdl } from './event-store-schema.js';

const SCHEMA = eventStoreDdl({ sequenceKey: 'BIGSERIAL PRIMARY KEY', integer: 'BIGINT', json: 'JSONB' });
/** Serialises schema creation when several cloud processes start at once (CREATE … IF NOT EXISTS races). */
const SCHEMA_LOCK_KEY = 0x45504349; // "EPCI"

/** The event repository in PostgreSQL. Event inserts take a row lock per id, so concurrent captures of one id agree. */
export class PostgresEpcisEventStore implements EpcisEventStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, poolSize = 2): Promise<PostgresEpcisEventStore> {
    return new PostgresEpcisEventStore(await openPoolWithSchema(url, poolSize, SCHEMA, SCHEMA_LOCK_KEY));
  }

  async insertEvents(
    events: readonly StoredEventInput[],
    options: { forward?: boolean } = {},
  ): Promise<InsertOutcome[]> {
    return this.inTransaction(async (client) => {
      const outcomes: InsertOutcome[] = [];
      for (const event of events) outcomes.push(await insertOne(client, event, options.forward === true));
      return outcomes;
    });
  }

  async checkEvents(events: readonly Pick<StoredEventInput, 'eventId' | 'contentHash'>[]): Promise<InsertOutcome[]> {
    const ids = events.map((event) => event.eventId);
    const { rows } = await this.pool.query<{ event_id: string; content_hash: string }>(
      'SELECT event_id, content_hash FROM epcis_events WHERE event_id = ANY($1::text[])',
      [ids],
    );
    const stored = new Map(rows.map((row) => [row.event_id, row.content_hash]));
    return events.map((event) => {
      const hash = stored.get(event.eventId);
      return hash === undefined ? 'inserted' : hash === event.contentHash ? 'duplicate' : 'conflict';
    });
  }

  async queryEvents(query: EventQuery): Promise<{ events: StoredEvent[]; nextAfterSeq: number | null }> {
    const { where, parameters } = eventQueryWhere(query, (index) => `$${index}`);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT record_seq, event_id, body FROM epcis_events ${where} ORDER BY record_seq LIMIT $${parameters.length + 1}`,
      [...parameters, query.limit + 1],
    );
    const events = rows.slice(0, query.limit).map(toStoredEvent);
    return { events, nextAfterSeq: rows.length > query.limit ? events[events.length - 1]!.recordSeq : null };
  }

  async eventById(eventId: string): Promise<StoredEvent | undefined> {
    const { rows } = await this.pool.query<EventRow>(
      'SELECT record_seq, event_id, body FROM epcis_events WHERE event_id = $1',
      [eventId],
    );
    return rows[0] && toStoredEvent(rows[0]);
  }

  async saveJob(job: CaptureJob, jobsKeptMax = JOBS_KEPT_DEFAULT): Promise<void> {
    await this.inTransaction(async (client) => {
      await client.query(
        `INSERT INTO epcis_capture_jobs (capture_id, created_at, job) VALUES ($1, $2, $3)
         ON CONFLICT (capture_id) DO UPDATE SET job = excluded.job`,
        [job.captureID, job.createdAt, JSON.stringify(job)],
      );
      // Pruned when a job starts: the table never holds more than the bound plus the jobs started meanwhile.
      if (job.running) await client.query(PRUNE_JOBS_SQL('$1'), [jobsKeptMax]);
    });
  }

  async job(captureId: string): Promise<CaptureJob | undefined> {
    const { rows } = await this.pool.query<{ job: CaptureJob }>(
      'SELECT job FROM epcis_capture_jobs WHERE capture_id = $1',
      [captureId],
    );
    return rows[0]?.job;
  }

  async jobs(limit: number): Promise<CaptureJob[]> {
    const { rows } = await this.pool.query<{ job: CaptureJob }>(
      'SELECT job FROM epcis_capture_jobs ORDER BY created_at DESC, capture_id DESC LIMIT $1',
      [limit],
    );
    return rows.map((row) => row.job);
  }

  async dueForwards(nowMs: number, limit: number): Promise<ForwardItem[]> {
    const { rows } = await this.pool.query<{ record_seq: string; attempts: number; body: Record<string, unknown> }>(
      `SELECT o.record_seq, o.attempts, e.body FROM epcis_forward_outbox o
       JOIN epcis_events e ON e.record_seq = o.record_seq
       WHERE o.next_attempt_ms <= $1 ORDER BY o.record_seq LIMIT $2`,
      [nowMs, limit],
    );
    return rows.map((row) => ({ recordSeq: Number(row.record_seq), attempts: row.attempts, body: row.body }));
  }

  async forwarded(recordSeqs: readonly number[]): Promise<void> {
    await this.pool.query('DELETE FROM epcis_forward_outbox WHERE record_seq = ANY($1::bigint[])', [recordSeqs]);
  }

  async forwardFailed(recordSeqs: readonly number[], nextAttemptMs: number, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE epcis_forward_outbox SET attempts = attempts + 1, next_attempt_ms = $1, last_error = $2
       WHERE record_seq = ANY($3::bigint[])`,
      [nextAttemptMs, error.slice(0, 500), recordSeqs],
    );
  }

  async forwardBacklog(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>('SELECT count(*) FROM epcis_forward_outbox');
    return Number(rows[0]?.count ?? 0);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

type EventRow = { record_seq: string; event_id: string; body: Record<string, unknown> };

function toStoredEvent(row: EventRow): StoredEvent {
  return { recordSeq: Number(row.record_seq), eventId: row.event_id, body: row.body };
}

async function insertOne(client: pg.PoolClient, event: StoredEventInput, forward: boolean): Promise<InsertOutcome> {
  // ON CONFLICT DO NOTHING waits for a concurrent insert of the same id to commit, then reports nothing inserted.
  const inserted = await client.query<{ record_seq: string }>(
    `INSERT INTO epcis_events (${EVENT_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (event_id) DO NOTHING RETURNING record_seq`,
    eventInsertValues(event),
  );
  const recordSeq = inserted.rows[0]?.record_seq;
  if (recordSeq === undefined) {
    const { rows } = await client.query<{ content_hash: string }>(
      'SELECT content_hash FROM epcis_events WHERE event_id = $1',
      [event.eventId],
    );
    return rows[0]?.content_hash === event.contentHash ? 'duplicate' : 'conflict';
  }
  if (event.epcs.length > 0)
    await client.query(
      `INSERT INTO epcis_event_epcs (epc, record_seq) SELECT DISTINCT unnest($1::text[]), $2::bigint ON CONFLICT DO NOTHING`,
      [event.epcs, recordSeq],
    );
  if (forward) await client.query('INSERT INTO epcis_forward_outbox (record_seq) VALUES ($1)', [recordSeq]);
  return 'inserted';
}
