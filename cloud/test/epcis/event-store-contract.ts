import { afterEach, describe, expect, it } from 'vitest';
import { deterministicEventId } from '../../../shared/src/contracts/event-id.js';
import { eventRecord, normalisedIdentifier } from '../../src/epcis/event-record.js';
import type { CaptureJob, EpcisEventStore } from '../../src/epcis/event-store.js';
import { PALLET, caseEpc, packingEvent, receivingEvent } from './documents.js';

/** The one contract every EpcisEventStore passes (SQLite, PostgreSQL). */
export function eventStoreContract(name: string, open: () => Promise<EpcisEventStore>): void {
  describe(`EpcisEventStore contract: ${name}`, () => {
    let store: EpcisEventStore | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    const record = (event: Record<string, unknown>, recordTimeMs = 1_000) => {
      const withId = { ...event, eventID: deterministicEventId(event) };
      return eventRecord(withId, {}, recordTimeMs, 'test');
    };

    it('inserts once: the same id again is a duplicate, with other content a conflict', async () => {
      store = await open();
      const first = record(receivingEvent([1]));
      expect(await store.insertEvents([first])).toEqual(['inserted']);
      expect(await store.insertEvents([first])).toEqual(['duplicate']);
      const other = { ...record(receivingEvent([2])), eventId: first.eventId };
      expect(await store.checkEvents([first, other])).toEqual(['duplicate', 'conflict']);
      expect(await store.insertEvents([other])).toEqual(['conflict']);
      expect((await store.eventById(first.eventId))?.body).toMatchObject({ epcList: [caseEpc(1)] });
    });

    it('settles the same id twice within one batch: inserted, then duplicate or conflict; EPCs indexed once', async () => {
      store = await open();
      const first = record(receivingEvent([3]));
      const other = { ...record(receivingEvent([4])), eventId: first.eventId };
      const second = record(receivingEvent([5]));
      expect(await store.insertEvents([first, first, other, second], { forward: true })).toEqual([
        'inserted',
        'duplicate',
        'conflict',
        'inserted',
      ]);
      const found = await store.queryEvents({
        epcs: [normalisedIdentifier(caseEpc(3)), normalisedIdentifier(caseEpc(5))],
        limit: 10,
      });
      expect(found.events.map((event) => event.eventId)).toEqual([first.eventId, second.eventId]);
      expect(await store.forwardBacklog()).toBe(2);
    });

    it('filters by type, step, time, EPC (as URN or Digital Link), parent, and pages in record order', async () => {
      store = await open();
      const events = [receivingEvent([1, 2], 0), receivingEvent([3], 10), packingEvent([1, 2])].map((event, index) =>
        record(event, 1_000 + index),
      );
      await store.insertEvents(events);
      const ids = async (query: Parameters<EpcisEventStore['queryEvents']>[0]) =>
        (await store!.queryEvents(query)).events.map((event) => event.eventId);
      expect(await ids({ limit: 10, eventTypes: ['AggregationEvent'] })).toEqual([events[2]!.eventId]);
      expect(await ids({ limit: 10, bizSteps: ['receiving'] })).toEqual([events[0]!.eventId, events[1]!.eventId]);
      expect(await ids({ limit: 10, geEventTimeMs: Date.parse('2026-12-04T09:05:00Z') })).toEqual([events[1]!.eventId]);
      expect(await ids({ limit: 10, geRecordTimeMs: 1_002 })).toEqual([events[2]!.eventId]);
      expect(await ids({ limit: 10, epcs: ['https://id.gs1.org/01/00614141073467/21/1'] })).toEqual([
        events[0]!.eventId,
        events[2]!.eventId,
      ]);
      expect(await ids({ limit: 10, epcs: ['https://id.gs1.org/00/106141412345678908'] })).toEqual([
        events[2]!.eventId,
      ]);
      expect(await ids({ limit: 10, bizSteps: [] })).toEqual([]);
      const firstPage = await store.queryEvents({ limit: 2 });
      expect(firstPage.nextAfterSeq).not.toBeNull();
      const secondPage = await store.queryEvents({ limit: 2, afterSeq: firstPage.nextAfterSeq! });
      expect([...firstPage.events, ...secondPage.events].map((event) => event.eventId)).toEqual(
        events.map((event) => event.eventId),
      );
      expect(secondPage.nextAfterSeq).toBeNull();
      void PALLET;
    });

    it('keeps capture jobs, most recent first', async () => {
      store = await open();
      const job = (captureID: string, createdAt: string): CaptureJob => ({
        captureID,
        createdAt,
        finishedAt: null,
        running: true,
        success: false,
        captureErrorBehaviour: 'rollback',
        errors: [],
      });
      await store.saveJob(job('a', '2026-12-04T10:00:00.000Z'));
      await store.saveJob(job('b', '2026-12-04T11:00:00.000Z'));
      await store.saveJob({ ...job('a', '2026-12-04T10:00:00.000Z'), running: false, success: true });
      expect((await store.jobs(10)).map((entry) => entry.captureID)).toEqual(['b', 'a']);
      expect(await store.job('a')).toMatchObject({ running: false, success: true });
      expect(await store.job('zzz')).toBeUndefined();
      // Bounded: starting a job keeps only the newest `jobsKeptMax`.
      await store.saveJob(job('c', '2026-12-04T12:00:00.000Z'), 2);
      expect((await store.jobs(10)).map((entry) => entry.captureID)).toEqual(['c', 'b']);
    });

    it('keeps a forwarding outbox: due items, failures postpone them, delivered ones leave', async () => {
      store = await open();
      const events = [record(receivingEvent([1])), record(receivingEvent([2]))];
      await store.insertEvents(events, { forward: true });
      await store.insertEvents([record(receivingEvent([3]))]); // not forwarded
      const due = await store.dueForwards(0, 10);
      expect(due.map((item) => item.body.eventID)).toEqual(events.map((event) => event.eventId));
      await store.forwardFailed([due[0]!.recordSeq], 5_000, 'HTTP 503');
      expect((await store.dueForwards(4_999, 10)).map((item) => item.recordSeq)).toEqual([due[1]!.recordSeq]);
      expect((await store.dueForwards(5_000, 10))[0]).toMatchObject({ recordSeq: due[0]!.recordSeq, attempts: 1 });
      await store.forwarded(due.map((item) => item.recordSeq));
      expect(await store.forwardBacklog()).toBe(0);
    });
  });
}
