import Database from 'better-sqlite3';
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

const SCHEMA = eventStoreDdl({ sequenceKey: 'INTEGER PRIMARY KEY AUTOINCREMENT', integer: 'INTEGER', json: 'TEXT' });

/** The event repository in SQLite (its own connection to the ledger's file; WAL lets both work). */
export class SqliteEpcisEventStore implements EpcisEventStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): SqliteEpcisEventStore {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new SqliteEpcisEventStore(db);
  }

  async insertEvents(
    events: readonly StoredEventInput[],
    options: { forward?: boolean } = {},
  ): Promise<InsertOutcome[]> {
    const existing = this.db.prepare('SELECT content_hash FROM epcis_events WHERE event_id = ?').pluck();
    const insert = this.db.prepare(
      `INSERT INTO epcis_events (${EVENT_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEpc = this.db.prepare('INSERT OR IGNORE INTO epcis_event_epcs (epc, record_seq) VALUES (?, ?)');
    const enqueue = this.db.prepare('INSERT INTO epcis_forward_outbox (record_seq) VALUES (?)');
    return this.db.transaction(() =>
      events.map((event): InsertOutcome => {
        const hash = existing.get(event.eventId) as string | undefined;
        if (hash !== undefined) return hash === event.contentHash ? 'duplicate' : 'conflict';
        const { lastInsertRowid } = insert.run(...eventInsertValues(event));
        for (const epc of event.epcs) insertEpc.run(epc, lastInsertRowid);
        if (options.forward) enqueue.run(lastInsertRowid);
        return 'inserted';
      }),
    )();
  }

  async checkEvents(events: readonly Pick<StoredEventInput, 'eventId' | 'contentHash'>[]): Promise<InsertOutcome[]> {
    const existing = this.db.prepare('SELECT content_hash FROM epcis_events WHERE event_id = ?').pluck();
    return events.map((event) => {
      const hash = existing.get(event.eventId) as string | undefined;
      return hash === undefined ? 'inserted' : hash === event.contentHash ? 'duplicate' : 'conflict';
    });
  }

  async queryEvents(query: EventQuery): Promise<{ events: StoredEvent[]; nextAfterSeq: number | null }> {
    const { where, parameters } = eventQueryWhere(query, () => '?');
    const rows = this.db
      .prepare(`SELECT record_seq, event_id, body FROM epcis_events ${where} ORDER BY record_seq LIMIT ?`)
      .all(...parameters, query.limit + 1) as { record_seq: number; event_id: string; body: string }[];
    const events = rows.slice(0, query.limit).map(toStoredEvent);
    return { events, nextAfterSeq: rows.length > query.limit ? events[events.length - 1]!.recordSeq : null };
  }

  async eventById(eventId: string): Promise<StoredEvent | undefined> {
    const row = this.db
      .prepare('SELECT record_seq, event_id, body FROM epcis_events WHERE event_id = ?')
      .get(eventId) as { record_seq: number; event_id: string; body: string } | undefined;
    return row && toStoredEvent(row);
  }

  async saveJob(job: CaptureJob, jobsKeptMax = JOBS_KEPT_DEFAULT): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO epcis_capture_jobs (capture_id, created_at, job) VALUES (?, ?, ?)
       ON CONFLICT (capture_id) DO UPDATE SET job = excluded.job`,
    );
    const prune = this.db.prepare(PRUNE_JOBS_SQL('?'));
    this.db.transaction(() => {
      const { changes } = upsert.run(job.captureID, job.createdAt, JSON.stringify(job));
      if (changes > 0 && job.running) prune.run(jobsKeptMax);
    })();
  }

  async job(captureId: string): Promise<CaptureJob | undefined> {
    const text = this.db.prepare('SELECT job FROM epcis_capture_jobs WHERE capture_id = ?').pluck().get(captureId);
    return typeof text === 'string' ? (JSON.parse(text) as CaptureJob) : undefined;
  }

  async jobs(limit: number): Promise<CaptureJob[]> {
    const texts = this.db
      .prepare('SELECT job FROM epcis_capture_jobs ORDER BY created_at DESC, capture_id DESC LIMIT ?')
      .pluck()
      .all(limit) as string[];
    return texts.map((text) => JSON.parse(text) as CaptureJob);
  }

  async dueForwards(nowMs: number, limit: number): Promise<ForwardItem[]> {
    const rows = this.db
      .prepare(
        `SELECT o.record_seq, o.attempts, e.body FROM epcis_forward_outbox o
         JOIN epcis_events e ON e.record_seq = o.record_seq
         WHERE o.next_attempt_ms <= ? ORDER BY o.record_seq LIMIT ?`,
      )
      .all(nowMs, limit) as { record_seq: number; attempts: number; body: string }[];
    return rows.map((row) => ({ recordSeq: row.record_seq, attempts: row.attempts, body: JSON.parse(row.body) }));
  }

  async forwarded(recordSeqs: readonly number[]): Promise<void> {
    const remove = this.db.prepare('DELETE FROM epcis_forward_outbox WHERE record_seq = ?');
    this.db.transaction(() => recordSeqs.forEach((seq) => remove.run(seq)))();
  }

  async forwardFailed(recordSeqs: readonly number[], nextAttemptMs: number, error: string): Promise<void> {
    const update = this.db.prepare(
      'UPDATE epcis_forward_outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE record_seq = ?',
    );
    this.db.transaction(() => recordSeqs.forEach((seq) => update.run(nextAttemptMs, error.slice(0, 500), seq)))();
  }

  async forwardBacklog(): Promise<number> {
    return this.db.prepare('SELECT count(*) FROM epcis_forward_outbox').pluck().get() as number;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toStoredEvent(row: { record_seq: number; event_id: string; body: string }): StoredEvent {
  return { recordSeq: row.record_seq, eventId: row.event_id, body: JSON.parse(row.body) as Record<string, unknown> };
}
