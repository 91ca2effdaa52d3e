/**
 * The seam between the outbox logic and its storage. Implementations: SQLite
 * (durable, production) and memory (tests, replay). Both pass
 * gateway/test/outbox/store-contract.ts.
 *
 * Calls are synchronous: better-sqlite3 is, and a gateway writes a few events
 * per second in normal operation, so the simplicity is worth it. After an outage
 * the publisher drains by pages (`readAfter` with a large limit) and watermarks
 * (`removeThrough`), so a drain costs a few statements and fsyncs per second.
 */
export interface OutboxEntry {
  /** The event's deterministic EPCIS eventID (idempotency key end to end). */
  eventId: string;
  /** The event as JSON text, exactly as it will be published. */
  payload: string;
}

export interface OutboxRow extends OutboxEntry {
  /** Per-gateway sequence number, assigned on append, strictly increasing, never reused. */
  sequence: number;
  /** UTF-8 byte length of `payload`. */
  bytes: number;
}

export interface OutboxStats {
  depth: number;
  bytes: number;
  /** Highest sequence ever assigned (0 when none); survives removals and restarts. */
  lastSequence: number;
  /** Events deleted by the dropOldest policy since the store was created. */
  droppedTotal: number;
}

export interface OutboxStore {
  /** Appends atomically and durably: either every entry is stored (and numbered) or none is. */
  append(entries: readonly OutboxEntry[]): OutboxRow[];
  /** Rows with sequence > `afterSequence`, oldest first, at most `limit`. */
  readAfter(afterSequence: number, limit: number): OutboxRow[];
  /** Removes the given sequences (missing ones are ignored); returns how many were removed. */
  remove(sequences: readonly number[]): number;
  /**
   * Removes every row with sequence ≤ `sequence` in one transaction (one fsync): how a
   * watermark (contiguous PUBACKs, the cloud's committed sequence) empties the outbox.
   * Returns how many were removed.
   */
  removeThrough(sequence: number): number;
  /** Deletes the `count` oldest rows and adds them to `droppedTotal`; returns how many went. */
  dropOldest(count: number): number;
  stats(): OutboxStats;
  close(): void;
}

export function payloadBytes(payload: string): number {
  return Buffer.byteLength(payload, 'utf8');
}
