import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  COUNT_DIGEST_EXTENSION,
  CountDigestSchema,
  FULL_COUNT_EXTENSION,
  applyCountChanges,
  countDigestOf,
} from '../../../shared/src/contracts/count-digest.js';
import {
  EpcisDocumentSchema,
  buildEpcisDocument,
  type EpcisEvent,
  type ObjectEvent,
} from '../../../shared/src/contracts/epcis.js';
import { matchesEventId } from '../../../shared/src/contracts/event-id.js';
import { CountDigestConfigSchema, type CountDigestConfig } from '../../src/counts/config.js';
import { CountDigester } from '../../src/counts/digester.js';
import { buildObjectEvent } from '../../src/debounce/events.js';
import { SHELF_LOCATION, T0 } from '../debounce/builders.js';

const sgtin = (serial: number) => `urn:epc:id:sgtin:0614141.812345.${serial}`;

const MINUTE_MS = 60_000;
const schemaPath = fileURLToPath(new URL('../../../test/fixtures/epcis/EPCIS-JSON-Schema.json', import.meta.url));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function countEvent(epcs: readonly string[], timeMs: number, shelf = 'a1'): ObjectEvent {
  return buildObjectEvent(
    {
      eventTimeMs: timeMs,
      timeZoneOffset: '+00:00',
      bizStep: 'cycle_counting',
      readPoint: SHELF_LOCATION,
      bizLocation: SHELF_LOCATION,
      extensions: { 'stockwire:shelf': shelf, 'stockwire:count': { tags: epcs.length, roundsClosed: 9 } },
    },
    [...epcs].sort(),
  );
}

const serials = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => sgtin(from + index));
const config = (overrides: Partial<CountDigestConfig> = {}) => CountDigestConfigSchema.parse(overrides);
const only = (events: readonly EpcisEvent[]) => events[0] as ObjectEvent;

describe('count digests, gateway side', () => {
  it('sends the first count in full, then a digest with the changes since it', () => {
    const digester = new CountDigester(config());
    const first = only(digester.shape([countEvent(serials(0, 100), T0)]));
    expect(first.epcList).toHaveLength(100);
    expect(first[FULL_COUNT_EXTENSION]).toBe('first');
    const now = serials(2, 103); // 0 and 1 gone, 100..102 new
    const second = only(digester.shape([countEvent(now, T0 + 15 * MINUTE_MS)]));
    expect(second.epcList).toEqual([]);
    const digest = CountDigestSchema.parse(second[COUNT_DIGEST_EXTENSION]);
    expect(digest).toMatchObject({ tags: 101, basis: first.eventID, removed: serials(0, 2) });
    expect(digest.added).toEqual(serials(100, 103).sort());
    expect(digest.digest).toBe(countDigestOf(now));
    // The cloud's side of the same arithmetic: previous set + changes = the set the digest names.
    expect(countDigestOf(applyCountChanges(serials(0, 100), digest))).toBe(digest.digest);
    expect(matchesEventId(second)).toBe(true);
  });

  it.each([
    [
      'the cloud asked',
      { fullEveryCounts: 24 },
      (digester: CountDigester) => digester.requestFull('a1', T0),
      'requested',
    ],
    [
      'every Nth count',
      { fullEveryCounts: 2 },
      (digester: CountDigester) => digester.shape([countEvent(serials(0, 50), T0 + MINUTE_MS)]),
      'cadence',
    ],
    ['after fullEveryMs', { fullEveryMs: 10 * MINUTE_MS }, () => undefined, 'cadence'],
  ] as const)('sends the next count in full when %s', (_name, overrides, act, reason) => {
    const digester = new CountDigester(config(overrides));
    digester.shape([countEvent(serials(0, 50), T0)]);
    act(digester);
    const next = only(digester.shape([countEvent(serials(0, 50), T0 + 15 * MINUTE_MS)]));
    expect(next[FULL_COUNT_EXTENSION]).toBe(reason);
    expect(next.epcList).toHaveLength(50);
  });

  it('sends in full when the changes are as many as the tags (the digest would not be smaller)', () => {
    const digester = new CountDigester(config());
    digester.shape([countEvent(serials(0, 4), T0)]);
    const next = only(digester.shape([countEvent(serials(10, 14), T0 + MINUTE_MS)]));
    expect(next[FULL_COUNT_EXTENSION]).toBe('changes');
  });

  it('ignores a second request for a shelf inside requestIntervalMinMs', () => {
    const digester = new CountDigester(config({ requestIntervalMinMs: 10_000 }));
    expect(digester.requestFull('a1', T0)).toBe(true);
    expect(digester.requestFull('a1', T0 + 5_000)).toBe(false);
    expect(digester.requestFull('a1', T0 + 10_000)).toBe(true);
    expect(digester.stats()).toMatchObject({ requestsAccepted: 2, requestsIgnored: 1 });
  });

  it('with digests off passes every event through untouched (the accuracy ablation relies on it)', () => {
    const digester = new CountDigester(config({ digests: false }));
    const events = [countEvent(serials(0, 10), T0), countEvent(serials(0, 10), T0 + MINUTE_MS)];
    for (const event of events) expect(digester.shape([event])[0]).toBe(event);
  });

  it('leaves other events alone and keeps their order', () => {
    const digester = new CountDigester(config());
    const stocking = buildObjectEvent(
      {
        eventTimeMs: T0,
        timeZoneOffset: '+00:00',
        bizStep: 'stocking',
        readPoint: SHELF_LOCATION,
        bizLocation: SHELF_LOCATION,
        extensions: { 'stockwire:shelf': 'a1' },
      },
      [sgtin(1)],
    );
    const out = digester.shape([stocking, countEvent(serials(0, 3), T0)]);
    expect(out[0]).toBe(stocking);
    expect((out[1] as ObjectEvent).bizStep).toBe('cycle_counting');
  });

  it('forgets the least recently counted shelf past shelvesTrackedMax (its next count is full)', () => {
    const digester = new CountDigester(config({ shelvesTrackedMax: 1 }));
    digester.shape([countEvent(serials(0, 10), T0, 'a1')]);
    digester.shape([countEvent(serials(20, 30), T0, 'a2')]);
    const again = only(digester.shape([countEvent(serials(0, 10), T0 + MINUTE_MS, 'a1')]));
    expect(again[FULL_COUNT_EXTENSION]).toBe('first');
  });

  it('a document of digest and full counts validates against the zod contract and the official GS1 schema', () => {
    const digester = new CountDigester(config());
    const events = [
      ...digester.shape([countEvent(serials(0, 20), T0)]),
      ...digester.shape([countEvent(serials(1, 22), T0 + MINUTE_MS)]),
      ...digester.shape([countEvent(serials(1, 22), T0 + 2 * MINUTE_MS)]),
    ];
    expect((events[2] as ObjectEvent)[COUNT_DIGEST_EXTENSION]).toMatchObject({ added: [], removed: [] });
    const document = buildEpcisDocument(events, {
      creationDate: new Date(T0).toISOString(),
      gatewayId: 'gw-1',
      sequence: 1,
    });
    expect(EpcisDocumentSchema.safeParse(document).error).toBeUndefined();
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
    expect(validate(document)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });
});
