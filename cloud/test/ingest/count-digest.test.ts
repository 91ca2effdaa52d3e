import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/src/clock.js';
import {
  COUNT_DIGEST_ALGORITHM,
  COUNT_DIGEST_EXTENSION,
  CountCommandSchema,
  countDigestOf,
  type CountDigest,
} from '../../../shared/src/contracts/count-digest.js';
import { buildEpcisDocument, EpcisDocumentSchema, type EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';
import { silentLogger } from '../../../shared/src/log.js';
import { confirmDigest, digestCountsOf } from '../../src/ingest/count-digest.js';
import { CountDigestResolver } from '../../src/ingest/count-digest-requests.js';
import { mapEpcisDocument } from '../../src/ingest/epcis-to-transactions.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';

const GTIN = '00614141073467';
const epc = (serial: number) => sgtinUrn(GTIN, 7, String(serial));
const SHELF = 'urn:stockwire:loc:store-1:shelf-1';
const source = { siteId: 'store-1', gatewayId: 'shelf-gw' };
const set = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => epc(from + index));

function digestOf(current: readonly string[], added: string[], removed: string[]): CountDigest {
  return {
    algorithm: COUNT_DIGEST_ALGORITHM,
    digest: countDigestOf(current),
    tags: new Set(current).size,
    basis: 'ni:///sha-256;previous?ver=CBV2.0',
    added,
    removed,
  };
}

function digestEvent(digest: unknown, minute = 0): EpcisEvent {
  return withEventId({
    type: 'ObjectEvent',
    eventTime: `2026-11-25T10:${String(minute).padStart(2, '0')}:00.000Z`,
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'cycle_counting',
    readPoint: { id: SHELF },
    bizLocation: { id: SHELF },
    epcList: [],
    'stockwire:shelf': 'shelf-1',
    [COUNT_DIGEST_EXTENSION]: digest,
  }) as EpcisEvent;
}

const documentOf = (...events: EpcisEvent[]) =>
  EpcisDocumentSchema.parse(
    buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: 'shelf-gw', sequence: 1 }),
  );

describe('confirmDigest: books + changes against the gateway digest', () => {
  it.each([
    ['no change, books right', set(0, 10), set(0, 10), [], []],
    ['changes not yet in the books (removing/stocking still in flight)', set(0, 10), set(1, 11), [epc(10)], [epc(0)]],
    ['changes already in the books', set(1, 11), set(1, 11), [epc(10)], [epc(0)]],
  ])('agrees: %s', (_name, books, current, added, removed) => {
    const verdict = confirmDigest(books, digestOf(current, added, removed));
    expect(verdict).toEqual({ agrees: true, epcs: [...current].sort() });
  });

  it.each([
    ['the books sold an item still on the shelf', set(1, 10), set(0, 10)],
    ['the books hold an item the shelf lost without an event', set(0, 11), set(0, 10)],
  ])('disagrees: %s', (_name, books, current) => {
    expect(confirmDigest(books, digestOf(current, [], [])).agrees).toBe(false);
  });
});

describe('mapping a digest count', () => {
  const digest = digestOf(set(0, 5), [], []);

  it('is deferred (never an empty count, never a dead letter) until the books confirm it', () => {
    const result = mapEpcisDocument(documentOf(digestEvent(digest)), source);
    expect(result.transactions).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.deferred).toHaveLength(1);
  });

  it('books the resolved set as a count, in the event’s place', () => {
    const event = digestEvent(digest);
    const result = mapEpcisDocument(documentOf(event), source, undefined, new Map([[event.eventID, set(0, 5)]]));
    expect(result.transactions).toMatchObject([{ type: 'count', location: SHELF, epcs: set(0, 5), id: event.eventID }]);
  });

  it('refuses a malformed digest extension (dead letter)', () => {
    const result = mapEpcisDocument(documentOf(digestEvent({ ...digest, digest: 'short' })), source);
    expect(result.skipped).toHaveLength(1);
    expect(digestCountsOf(documentOf(digestEvent({ ...digest, digest: 'short' })))).toEqual([]);
  });
});

describe('CountDigestResolver: asks for the full set, rate-limited per shelf', () => {
  function resolver(books: string[], requestIntervalMs = 60_000) {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 10));
    const published: { topic: string; payload: string }[] = [];
    const instance = new CountDigestResolver(
      { requestIntervalMs, shelvesTrackedMax: 10 },
      {
        books: async () => books,
        publish: (topic, payload) => published.push({ topic, payload }),
        clock,
        logger: silentLogger(),
      },
    );
    return { instance, clock, published };
  }

  it('confirms an agreeing digest without a request', async () => {
    const { instance, published } = resolver(set(0, 5));
    const event = digestEvent(digestOf(set(0, 5), [], []));
    const resolved = await instance.resolve(documentOf(event), 'store-1', 'shelf-gw');
    expect(resolved?.get(event.eventID)).toEqual(set(0, 5));
    expect(published).toEqual([]);
  });

  it('publishes one full_count command per interval; a later disagreement asks again', async () => {
    const { instance, clock, published } = resolver(set(1, 5), 60_000);
    const disagreeing = (minute: number) => documentOf(digestEvent(digestOf(set(0, 5), [], []), minute));
    expect((await instance.resolve(disagreeing(0), 'store-1', 'shelf-gw'))?.size).toBe(0);
    await instance.resolve(disagreeing(1), 'store-1', 'shelf-gw');
    expect(published).toHaveLength(1);
    expect(published[0]?.topic).toBe('stockwire/v1/store-1/shelf-gw/commands');
    expect(CountCommandSchema.parse(JSON.parse(published[0]?.payload ?? ''))).toMatchObject({
      command: 'full_count',
      shelf: 'shelf-1',
      location: SHELF,
    });
    clock.advanceTo(clock.nowMs() + 60_000);
    await instance.resolve(disagreeing(2), 'store-1', 'shelf-gw');
    expect(published).toHaveLength(2);
    expect(instance.stats()).toMatchObject({
      digestsDisagreed: 3,
      fullCountRequests: 2,
      fullCountRequestsSuppressed: 1,
    });
  });

  it('remembers the EPCs the books cannot hold (SSCC, raw tags) from the last full count', async () => {
    const raw = 'urn:epc:raw:96.x3074257BF7194E4000001A85';
    const { instance, published } = resolver(set(0, 5));
    const shelfSet = [...set(0, 5), raw];
    const digestDocument = (minute: number) => documentOf(digestEvent(digestOf(shelfSet, [], []), minute));
    // A cloud that never saw this shelf's full count cannot know the raw tag: it asks once.
    expect((await instance.resolve(digestDocument(0), 'store-1', 'shelf-gw'))?.size).toBe(0);
    expect(published).toHaveLength(1);
    const full = withEventId({ ...digestEvent(undefined, 1), [COUNT_DIGEST_EXTENSION]: undefined, epcList: shelfSet });
    await instance.resolve(documentOf(full as EpcisEvent), 'store-1', 'shelf-gw');
    const later = documentOf(digestEvent(digestOf(shelfSet, [], []), 2));
    const resolved = await instance.resolve(later, 'store-1', 'shelf-gw');
    expect(resolved?.get(later.epcisBody.eventList[0]?.eventID ?? '')).toEqual([...shelfSet].sort());
    expect(published).toHaveLength(1);
  });

  it('returns nothing for a document without digest counts', async () => {
    const { instance } = resolver([]);
    const plain = withEventId({ ...digestEvent(undefined), [COUNT_DIGEST_EXTENSION]: undefined, epcList: [epc(1)] });
    expect(await instance.resolve(documentOf(plain as EpcisEvent), 'store-1', 'shelf-gw')).toBeUndefined();
  });
});
