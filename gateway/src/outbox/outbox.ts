import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { OutboxConfig } from './config.js';
import type { OutboxRow, OutboxStore } from './store.js';

export interface OutboxFill {
  depth: number;
  bytes: number;
  /** max(depth / eventsMax, bytes / bytesMax); may exceed 1 under the `block` policy. */
  fillRatio: number;
  droppedTotal: number;
  lastSequence: number;
  /** At or above `warnFillRatio`: reported in status, logged as a warning. */
  nearlyFull: boolean;
  /** At or above the bound: under `block` the daemon pauses reader inventory. */
  full: boolean;
}

export interface AppendOutcome {
  rows: OutboxRow[];
  /** Oldest events deleted to make room (dropOldest policy only). */
  droppedForRoom: number;
}

export interface Outbox {
  /** Stores events durably, numbered in order; returns once they are committed. */
  append(events: readonly EpcisEvent[]): AppendOutcome;
  readAfter(afterSequence: number, limit: number): OutboxRow[];
  remove(sequences: readonly number[]): number;
  /** Removes every row with sequence ≤ `sequence`; see OutboxStore.removeThrough. */
  removeThrough(sequence: number): number;
  fill(): OutboxFill;
  close(): void;
}

/** The bound and overflow policy on top of a store. */
export function createOutbox(
  store: OutboxStore,
  config: Pick<OutboxConfig, 'eventsMax' | 'bytesMax' | 'overflowPolicy' | 'warnFillRatio'>,
): Outbox {
  const fill = (): OutboxFill => {
    const stats = store.stats();
    const fillRatio = Math.max(stats.depth / config.eventsMax, stats.bytes / config.bytesMax);
    return { ...stats, fillRatio, nearlyFull: fillRatio >= config.warnFillRatio, full: fillRatio >= 1 };
  };

  return {
    append(events: readonly EpcisEvent[]): AppendOutcome {
      // Events already derived are always stored: under `block` the bound is kept by
      // pausing the readers upstream, never by refusing a movement that happened.
      const rows = store.append(events.map((event) => ({ eventId: event.eventID, payload: JSON.stringify(event) })));
      let droppedForRoom = 0;
      if (config.overflowPolicy === 'dropOldest') {
        for (;;) {
          const stats = store.stats();
          const excessEvents = stats.depth - config.eventsMax;
          const overBytes = stats.bytes > config.bytesMax;
          if (excessEvents <= 0 && !overBytes) break;
          // Bytes over the bound: drop one at a time (rows differ in size); the loop ends when empty.
          const dropped = store.dropOldest(Math.max(1, excessEvents));
          if (dropped === 0) break;
          droppedForRoom += dropped;
        }
      }
      return { rows, droppedForRoom };
    },
    readAfter: (afterSequence, limit) => store.readAfter(afterSequence, limit),
    remove: (sequences) => store.remove(sequences),
    removeThrough: (sequence) => store.removeThrough(sequence),
    fill,
    close: () => store.close(),
  };
}
