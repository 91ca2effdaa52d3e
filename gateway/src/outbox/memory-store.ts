import type { OutboxEntry, OutboxRow, OutboxStats, OutboxStore } from './store.js';
import { payloadBytes } from './store.js';

/** Index of the first row with sequence > `sequence` (rows are sorted by sequence). */
function firstAfter(rows: readonly OutboxRow[], sequence: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((rows[middle]?.sequence ?? Infinity) > sequence) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Volatile outbox for tests and replay: same contract as SQLite, nothing survives the process. */
export function createMemoryOutboxStore(): OutboxStore {
  // Rows stay sorted by sequence because sequences only grow.
  let rows: OutboxRow[] = [];
  let lastSequence = 0;
  let bytes = 0;
  let droppedTotal = 0;

  return {
    append(entries: readonly OutboxEntry[]): OutboxRow[] {
      const appended = entries.map((entry) => ({
        ...entry,
        sequence: ++lastSequence,
        bytes: payloadBytes(entry.payload),
      }));
      for (const row of appended) bytes += row.bytes;
      rows.push(...appended);
      return appended;
    },
    readAfter(afterSequence: number, limit: number): OutboxRow[] {
      const start = firstAfter(rows, afterSequence);
      return rows.slice(start, start + limit);
    },
    remove(sequences: readonly number[]): number {
      const doomed = new Set(sequences);
      const before = rows.length;
      rows = rows.filter((row) => {
        if (!doomed.has(row.sequence)) return true;
        bytes -= row.bytes;
        return false;
      });
      return before - rows.length;
    },
    removeThrough(sequence: number): number {
      const removed = rows.splice(0, firstAfter(rows, sequence));
      for (const row of removed) bytes -= row.bytes;
      return removed.length;
    },
    dropOldest(count: number): number {
      const dropped = rows.splice(0, Math.max(0, count));
      for (const row of dropped) bytes -= row.bytes;
      droppedTotal += dropped.length;
      return dropped.length;
    },
    stats(): OutboxStats {
      return { depth: rows.length, bytes, lastSequence, droppedTotal };
    },
    close(): void {
      rows = [];
    },
  };
}
