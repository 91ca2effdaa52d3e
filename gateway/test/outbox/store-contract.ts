import { describe, expect, it } from 'vitest';
import type { OutboxStore } from '../../src/outbox/store.js';

/** The OutboxStore contract: every implementation (memory, SQLite) passes the same suite. */
export function outboxStoreContract(
  name: string,
  open: () => { store: OutboxStore; reopen?: () => OutboxStore },
): void {
  const entry = (index: number) => ({
    eventId: `event-${index}`,
    payload: JSON.stringify({ eventID: `event-${index}`, index }),
  });

  describe(`OutboxStore contract: ${name}`, () => {
    it('numbers appended entries in order, starting at 1', () => {
      const { store } = open();
      const rows = store.append([entry(1), entry(2), entry(3)]);
      expect(rows.map((row) => row.sequence)).toEqual([1, 2, 3]);
      expect(store.readAfter(0, 10).map((row) => row.eventId)).toEqual(['event-1', 'event-2', 'event-3']);
      store.close();
    });

    it('reads after a cursor with a limit', () => {
      const { store } = open();
      store.append([1, 2, 3, 4, 5].map(entry));
      expect(store.readAfter(2, 2).map((row) => row.sequence)).toEqual([3, 4]);
      expect(store.readAfter(5, 10)).toEqual([]);
      store.close();
    });

    it('removes by sequence, ignores unknown ones, and keeps depth and bytes right', () => {
      const { store } = open();
      const rows = store.append([1, 2, 3].map(entry));
      const totalBytes = rows.reduce((sum, row) => sum + row.bytes, 0);
      expect(store.stats()).toMatchObject({ depth: 3, bytes: totalBytes, lastSequence: 3 });
      expect(store.remove([2, 99])).toBe(1);
      expect(store.stats()).toMatchObject({ depth: 2, bytes: totalBytes - (rows[1]?.bytes ?? 0) });
      expect(store.readAfter(0, 10).map((row) => row.sequence)).toEqual([1, 3]);
      store.close();
    });

    it('never reuses a sequence, even after every row is gone', () => {
      const { store } = open();
      store.append([entry(1), entry(2)]);
      store.remove([1, 2]);
      expect(store.append([entry(3)])[0]?.sequence).toBe(3);
      expect(store.stats().lastSequence).toBe(3);
      store.close();
    });

    it('drops the oldest rows and counts them', () => {
      const { store } = open();
      store.append([1, 2, 3, 4].map(entry));
      expect(store.dropOldest(3)).toBe(3);
      expect(store.dropOldest(5)).toBe(1);
      expect(store.stats()).toMatchObject({ depth: 0, bytes: 0, droppedTotal: 4 });
      store.close();
    });

    it('counts payload bytes as UTF-8', () => {
      const { store } = open();
      const [row] = store.append([{ eventId: 'x', payload: '"é€"' }]);
      expect(row?.bytes).toBe(7);
      store.close();
    });

    it('removes through a sequence in one call, keeping depth, bytes and lastSequence right', () => {
      const { store } = open();
      const rows = store.append([1, 2, 3, 4, 5].map(entry));
      store.remove([2]);
      const keptBytes = (rows[3]?.bytes ?? 0) + (rows[4]?.bytes ?? 0);
      expect(store.removeThrough(3)).toBe(2);
      expect(store.stats()).toMatchObject({ depth: 2, bytes: keptBytes, lastSequence: 5 });
      expect(store.readAfter(0, 10).map((row) => row.sequence)).toEqual([4, 5]);
      expect(store.removeThrough(3)).toBe(0);
      expect(store.removeThrough(0)).toBe(0);
      expect(store.removeThrough(99)).toBe(2);
      expect(store.stats()).toMatchObject({ depth: 0, bytes: 0, lastSequence: 5 });
      expect(store.append([entry(6)])[0]?.sequence).toBe(6);
      store.close();
    });

    it('reads a large page in one call, in order, as plain rows', () => {
      const { store } = open();
      store.append(Array.from({ length: 2_000 }, (_, index) => entry(index)));
      const page = store.readAfter(100, 1_000);
      expect(page).toHaveLength(1_000);
      expect(page[0]).toEqual({
        sequence: 101,
        eventId: 'event-100',
        payload: entry(100).payload,
        bytes: page[0]?.bytes,
      });
      expect(page.every((row, index) => row.sequence === 101 + index)).toBe(true);
      store.close();
    });

    it('removes many rows at once (beyond one statement’s parameter chunk)', () => {
      const { store } = open();
      const rows = store.append(Array.from({ length: 1_200 }, (_, index) => entry(index)));
      expect(store.remove(rows.map((row) => row.sequence))).toBe(1_200);
      expect(store.stats().depth).toBe(0);
      store.close();
    });
  });
}
