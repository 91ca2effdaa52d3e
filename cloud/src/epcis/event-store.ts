/**
 * The EPCIS event repository: every event our gateways send (stored by the MQTT consumer when it applies the
 * document) and every event captured over the EPCIS 2.0 REST interface, queryable by the standard parameters.
 * One contract (`cloud/test/epcis/event-store-contract.ts`) runs against SQLite and PostgreSQL.
 */

/** An event as stored: its JSON (with `recordTime`), plus the columns queries filter on. */
export interface StoredEventInput {
  eventId: string;
  /** CBV 2.0 hash of the content: the same id with another hash is a conflict (HTTP 409). */
  contentHash: string;
  eventType: string;
  eventTimeMs: number;
  recordTimeMs: number;
  /** Bare CBV word (`receiving`) or the URI as given for non-CBV steps. */
  bizStep: string | null;
  /** Canonical Digital Link when the location is a GS1 key, else as given. */
  bizLocation: string | null;
  readPoint: string | null;
  /** Canonical Digital Link (or as given) of every EPC in epcList / childEPCs / input / output lists. */
  epcs: string[];
  parentId: string | null;
  /** `mqtt:<site>/<gateway>` or `capture:<captureID>`. */
  source: string;
  body: Record<string, unknown>;
}

export interface StoredEvent {
  recordSeq: number;
  eventId: string;
  body: Record<string, unknown>;
}

export type InsertOutcome = 'inserted' | 'duplicate' | 'conflict';

export interface EventQuery {
  eventTypes?: readonly string[];
  geEventTimeMs?: number;
  ltEventTimeMs?: number;
  geRecordTimeMs?: number;
  bizSteps?: readonly string[];
  bizLocations?: readonly string[];
  readPoints?: readonly string[];
  /** Any of these in the event's EPC lists or as its parent (MATCH_epc / MATCH_anyEPC semantics). */
  epcs?: readonly string[];
  parentIds?: readonly string[];
  /** Paging: events recorded after this sequence number. */
  afterSeq?: number;
  limit: number;
}

export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt: string | null;
  running: boolean;
  success: boolean;
  captureErrorBehaviour: 'rollback' | 'proceed';
  /** RFC 7807 problems, one per refused event (EPCIS 2.0 REST bindings), with the event's id when known. */
  errors: { eventID?: string; type: string; title: string; status: number; detail: string }[];
}

export interface ForwardItem {
  recordSeq: number;
  attempts: number;
  body: Record<string, unknown>;
}

export interface EpcisEventStore {
  /** Inserts in one database transaction; an id already stored is a duplicate (same hash) or a conflict. */
  insertEvents(events: readonly StoredEventInput[], options?: { forward?: boolean }): Promise<InsertOutcome[]>;
  /** Outcome each event WOULD have, without writing (rollback captures check before they book anything). */
  checkEvents(events: readonly Pick<StoredEventInput, 'eventId' | 'contentHash'>[]): Promise<InsertOutcome[]>;
  queryEvents(query: EventQuery): Promise<{ events: StoredEvent[]; nextAfterSeq: number | null }>;
  eventById(eventId: string): Promise<StoredEvent | undefined>;
  /** Inserts or updates a job; keeps only the `jobsKeptMax` most recent jobs (a bounded table). */
  saveJob(job: CaptureJob, jobsKeptMax?: number): Promise<void>;
  job(captureId: string): Promise<CaptureJob | undefined>;
  /** Most recent first. */
  jobs(limit: number): Promise<CaptureJob[]>;
  /** Forwarding outbox: events due at `nowMs`, oldest first. */
  dueForwards(nowMs: number, limit: number): Promise<ForwardItem[]>;
  forwarded(recordSeqs: readonly number[]): Promise<void>;
  forwardFailed(recordSeqs: readonly number[], nextAttemptMs: number, error: string): Promise<void>;
  forwardBacklog(): Promise<number>;
  close(): Promise<void>;
}

export const EVENT_QUERY_LIMIT_MAX = 1_000;
/** Capture jobs kept when the caller names no bound. */
export const JOBS_KEPT_DEFAULT = 10_000;

/** Deletes every job but the `$keep` newest (both dialects; the placeholder is filled in by the caller). */
export const PRUNE_JOBS_SQL = (placeholder: string) =>
  `DELETE FROM epcis_capture_jobs WHERE capture_id NOT IN
     (SELECT capture_id FROM epcis_capture_jobs ORDER BY created_at DESC, capture_id DESC LIMIT ${placeholder})`;
