import {
  COUNT_DIGEST_ALGORITHM,
  COUNT_DIGEST_EXTENSION,
  FULL_COUNT_EXTENSION,
  canonicalEpcSet,
  countChanges,
  countDigestOf,
  type CountDigest,
  type FullCountReason,
} from '../../../shared/src/contracts/count-digest.js';
import type { EpcisEvent, ObjectEvent } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';
import type { CountDigestConfig } from './config.js';

/**
 * Count digests, gateway side (pure: events in, events out; the caller passes time).
 * Sits between the debounce engine and the outbox: each `cycle_counting` snapshot the
 * engine emits (the shelf's whole EPC set) leaves as a digest of that set plus the
 * changes since the shelf's previous count, or in full when it must be:
 *   - `first`: no previous count remembered (gateway start, shelf new or forgotten);
 *   - `requested`: the cloud's books disagreed with a digest and it asked (commands topic);
 *   - `cadence`: every `fullEveryCounts`-th count, or `fullEveryMs` after the last full one;
 *   - `changes`: as many changed EPCs as EPCs on the shelf, so the digest would not be smaller.
 * With `digests: false` events pass through untouched (byte-identical to the engine's).
 */

interface ShelfMemory {
  /** The previous count's set, canonical (sorted, unique). */
  urns: string[];
  eventId: string;
  countsSinceFull: number;
  lastFullMs: number;
}

export interface CountDigesterStats {
  countsFull: number;
  countsDigest: number;
  requestsAccepted: number;
  requestsIgnored: number;
}

export class CountDigester {
  /** Insertion order = least recently counted first, so the bound forgets the stalest shelf. */
  private readonly shelves = new Map<string, ShelfMemory>();
  private readonly requested = new Set<string>();
  private readonly lastRequestMs = new Map<string, number>();
  private readonly counters: CountDigesterStats = {
    countsFull: 0,
    countsDigest: 0,
    requestsAccepted: 0,
    requestsIgnored: 0,
  };

  constructor(private config: Readonly<CountDigestConfig>) {}

  reconfigure(config: Readonly<CountDigestConfig>): void {
    this.config = config;
    // Switched off and on again: the cloud may have booked full sets meanwhile; start from a full count.
    if (!config.digests) this.shelves.clear();
  }

  /**
   * The cloud asked for a shelf's full set: its next count goes out in full. False (and nothing changes)
   * when the last accepted request for the shelf is younger than requestIntervalMinMs.
   */
  requestFull(shelfId: string, nowMs: number): boolean {
    const lastMs = this.lastRequestMs.get(shelfId);
    if (lastMs !== undefined && nowMs - lastMs < this.config.requestIntervalMinMs) {
      this.counters.requestsIgnored++;
      return false;
    }
    if (!this.lastRequestMs.has(shelfId) && this.lastRequestMs.size >= this.config.shelvesTrackedMax) {
      const oldest = this.lastRequestMs.keys().next().value;
      if (oldest !== undefined) this.lastRequestMs.delete(oldest);
    }
    this.lastRequestMs.set(shelfId, nowMs);
    if (this.requested.size < this.config.shelvesTrackedMax) this.requested.add(shelfId);
    this.counters.requestsAccepted++;
    return true;
  }

  /** Rewrites the counts among `events` (same order); other events are returned as they are. */
  shape(events: readonly EpcisEvent[]): readonly EpcisEvent[] {
    if (!this.config.digests) return events;
    let shaped: EpcisEvent[] | undefined;
    events.forEach((event, index) => {
      const next = this.shapeOne(event);
      if (next === event) return;
      shaped ??= [...events];
      shaped[index] = next;
    });
    return shaped ?? events;
  }

  stats(): CountDigesterStats {
    return { ...this.counters };
  }

  private shapeOne(event: EpcisEvent): EpcisEvent {
    if (event.type !== 'ObjectEvent' || event.bizStep !== 'cycle_counting') return event;
    const shelfId = event['stockwire:shelf'];
    if (typeof shelfId !== 'string' || event[COUNT_DIGEST_EXTENSION] !== undefined) return event;
    const urns = canonicalEpcSet(event.epcList);
    const timeMs = Date.parse(event.eventTime);
    const previous = this.shelves.get(shelfId);
    const reason = this.fullReason(shelfId, previous, timeMs);
    const changes = previous === undefined ? undefined : countChanges(previous.urns, urns);
    if (reason !== undefined || changes === undefined || changes.added.length + changes.removed.length >= urns.length) {
      const full = restamp(event, { [FULL_COUNT_EXTENSION]: reason ?? 'changes' });
      this.remember(shelfId, { urns, eventId: full.eventID, countsSinceFull: 0, lastFullMs: timeMs });
      this.requested.delete(shelfId);
      this.counters.countsFull++;
      return full;
    }
    const digest: CountDigest = {
      algorithm: COUNT_DIGEST_ALGORITHM,
      digest: countDigestOf(urns),
      tags: urns.length,
      basis: (previous as ShelfMemory).eventId,
      added: changes.added,
      removed: changes.removed,
    };
    const compact = restamp({ ...event, epcList: [] }, { [COUNT_DIGEST_EXTENSION]: digest });
    this.remember(shelfId, {
      urns,
      eventId: compact.eventID,
      countsSinceFull: (previous as ShelfMemory).countsSinceFull + 1,
      lastFullMs: (previous as ShelfMemory).lastFullMs,
    });
    this.counters.countsDigest++;
    return compact;
  }

  private fullReason(shelfId: string, previous: ShelfMemory | undefined, timeMs: number): FullCountReason | undefined {
    if (previous === undefined) return 'first';
    if (this.requested.has(shelfId)) return 'requested';
    if (previous.countsSinceFull + 1 >= this.config.fullEveryCounts) return 'cadence';
    if (!(timeMs - previous.lastFullMs < this.config.fullEveryMs)) return 'cadence';
    return undefined;
  }

  private remember(shelfId: string, memory: ShelfMemory): void {
    this.shelves.delete(shelfId);
    this.shelves.set(shelfId, memory);
    if (this.shelves.size > this.config.shelvesTrackedMax) {
      const oldest = this.shelves.keys().next().value;
      if (oldest !== undefined) this.shelves.delete(oldest);
    }
  }
}

/** The event with extra extension fields and a fresh eventID (its content changed, so must its hash). */
function restamp(event: ObjectEvent, extensions: Record<string, unknown>): ObjectEvent {
  const content: Record<string, unknown> = { ...event, ...extensions };
  delete content['eventID'];
  return withEventId(content) as unknown as ObjectEvent;
}
