import type { StoredEventInput } from './event-store.js';

/**
 * The event repository's tables, one text for both dialects: only the key, integer and JSON column types differ.
 * `epcis_event_epcs` indexes every EPC (as a canonical Digital Link) for MATCH_epc; the outbox holds what is still
 * to be forwarded.
 */
export function eventStoreDdl(types: { sequenceKey: string; integer: string; json: string }): string {
  const { sequenceKey, integer, json } = types;
  return `
CREATE TABLE IF NOT EXISTS epcis_events (
  record_seq ${sequenceKey},
  event_id TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_time_ms ${integer} NOT NULL,
  record_time_ms ${integer} NOT NULL,
  biz_step TEXT,
  biz_location TEXT,
  read_point TEXT,
  parent_id TEXT,
  source TEXT NOT NULL,
  body ${json} NOT NULL
);
CREATE INDEX IF NOT EXISTS epcis_events_time ON epcis_events (event_time_ms);
CREATE INDEX IF NOT EXISTS epcis_events_step ON epcis_events (biz_step, record_seq);
CREATE INDEX IF NOT EXISTS epcis_events_location ON epcis_events (biz_location, record_seq);
CREATE INDEX IF NOT EXISTS epcis_events_parent ON epcis_events (parent_id);
CREATE TABLE IF NOT EXISTS epcis_event_epcs (
  epc TEXT NOT NULL,
  record_seq ${integer} NOT NULL REFERENCES epcis_events (record_seq),
  PRIMARY KEY (epc, record_seq)
);
CREATE TABLE IF NOT EXISTS epcis_capture_jobs (
  capture_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  job ${json} NOT NULL
);
CREATE TABLE IF NOT EXISTS epcis_forward_outbox (
  record_seq ${integer} PRIMARY KEY REFERENCES epcis_events (record_seq),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms ${integer} NOT NULL DEFAULT 0,
  last_error TEXT
);
`;
}

/** The `epcis_events` columns an insert writes, and their values for one event, in that order (both dialects). */
export const EVENT_INSERT_COLUMNS =
  'event_id, content_hash, event_type, event_time_ms, record_time_ms, biz_step, biz_location, read_point, parent_id, source, body';

export function eventInsertValues(event: StoredEventInput): (string | number | null)[] {
  return [
    event.eventId,
    event.contentHash,
    event.eventType,
    event.eventTimeMs,
    event.recordTimeMs,
    event.bizStep,
    event.bizLocation,
    event.readPoint,
    event.parentId,
    event.source,
    JSON.stringify(event.body),
  ];
}
