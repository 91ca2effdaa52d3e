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
import { silentLogger } from '../../../shared/src/log.js';
import { useCheckpointer } from '../store/sqlite-checkpointer.js';
import { eventQueryWhere } from './event-query-sql.js';
import { EVENT_INSERT_COLUMNS, eventInsertValues, eventStoreDdl } from './event-store-schema.js';

const SCHEMA = eventStoreDdl({ sequenceKey: 'INTEGER PRIMARY KEY AUTOINCREMENT', integer: 'INTEGER', json: 'TEXT' });

/** The event repository in SQLite (its own connection to the ledger's file; WAL lets both work). */
export class SqliteEpcisEventStore implements EpcisEventStore {
  private readonly statements: ReturnType<typeof prepare>;

  private constructor(
    private readonly db: Database.Database,
    private readonly releaseCheckpointer: () => Promise<void>,
  ) {
    this.statements = prepare(db);
  }

  static open(path: string): SqliteEpcisEventStore {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new SqliteEpcisEventStore(db, useCheckpointer(db, path, silentLogger()));
  }

  /**
   * One batch of events, as JSON-array statements (SQLite unpacks them in C): one lookup of the ids already
   * stored, then the new events, their EPCs and outbox rows, each one statement per chunk. Record sequence
   * numbers are given explicitly (next after the largest ever used, as AUTOINCREMENT would) so the EPC and
   * outbox rows can name them.
   */
  async insertEvents(
    events: readonly StoredEventInput[],
    options: { forward?: boolean } = {},
  ): Promise<InsertOutcome[]> {
    const s = this.statements;
    return this.db
      .transaction(() => {
        const known = this.storedHashes(events.map((event) => event.eventId));
        const fresh: StoredEventInput[] = [];
        const outcomes = events.map((event): InsertOutcome => {
          const hash = known.get(event.eventId);
          if (hash !== undefined) return hash === event.contentHash ? 'duplicate' : 'conflict';
          known.set(event.eventId, event.contentHash); // the same id twice in one batch: the second is a duplicate
          fresh.push(event);
          return 'inserted';
        });
        let seq = s.lastSeq.get() as number;
        for (const chunk of chunks(fresh, JSON_ROWS_PER_STATEMENT_MAX)) {
          const first = seq + 1;
          // One statement call per event: its body is large text, which binds cheaper than it JSON-encodes twice.
          for (const event of chunk) s.insertEvent.run(++seq, ...eventInsertValues(event));
          const epcRows = chunk.flatMap((event, index) => event.epcs.map((epc) => [epc, first + index]));
          for (const epcs of chunks(epcRows, JSON_ROWS_PER_STATEMENT_MAX)) s.insertEpcs.run(JSON.stringify(epcs));
          if (options.forward) s.enqueue.run(JSON.stringify(chunk.map((_, index) => first + index)));
        }
        return outcomes;
        // IMMEDIATE: it reads before it writes, and a read transaction cannot wait for the write lock (the WAL
        // checkpointer takes it briefly), it fails at once.
      })
      .immediate();
  }

  private storedHashes(eventIds: readonly string[]): Map<string, string> {
    const known = new Map<string, string>();
    for (const chunk of chunks(eventIds, JSON_ROWS_PER_STATEMENT_MAX))
      for (const row of this.statements.existingIn.all(JSON.stringify(chunk)) as StoredHashRow[])
        known.set(row.event_id, row.content_hash);
    return known;
  }

  async checkEvents(events: readonly Pick<StoredEventInput, 'eventId' | 'contentHash'>[]): Promise<InsertOutcome[]> {
    const known = this.storedHashes(events.map((event) => event.eventId));
    return events.map((event) => {
      const hash = known.get(event.eventId);
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
    if (!this.db.open) return;
    this.db.close();
    await this.releaseCheckpointer();
  }
}

/** Rows per JSON-array statement (bounds one statement's text). */
const JSON_ROWS_PER_STATEMENT_MAX = 20_000;

interface StoredHashRow {
  event_id: string;
  content_hash: string;
}

/** The statements of the write path, prepared once per connection. */
function prepare(db: Database.Database) {
  const columns = EVENT_INSERT_COLUMNS.split(', ');
  return {
    existingIn: db.prepare(
      'SELECT event_id, content_hash FROM epcis_events WHERE event_id IN (SELECT value FROM json_each(?))',
    ),
    lastSeq: db
      .prepare(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'epcis_events'), 0), coalesce((SELECT max(record_seq) FROM epcis_events), 0))",
      )
      .pluck(),
    insertEvent: db.prepare(
      `INSERT INTO epcis_events (record_seq, ${EVENT_INSERT_COLUMNS}) VALUES (?, ${columns.map(() => '?').join(', ')})`,
    ),
    insertEpcs: db.prepare(
      'INSERT OR IGNORE INTO epcis_event_epcs (epc, record_seq) SELECT value ->> 0, value ->> 1 FROM json_each(?)',
    ),
    enqueue: db.prepare('INSERT INTO epcis_forward_outbox (record_seq) SELECT value FROM json_each(?)'),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function toStoredEvent(row: { record_seq: number; event_id: string; body: string }): StoredEvent {
  return { recordSeq: row.record_seq, eventId: row.event_id, body: JSON.parse(row.body) as Record<string, unknown> };
}
