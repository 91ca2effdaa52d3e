import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deterministicEventId, legacyEventId, matchesEventId } from '../src/contracts/event-id.js';
import { toCanonicalDigitalLink } from '../src/epcis/digital-link.js';
import { documentEventHashes, eventPreHash, namespacesOfContext, utcMilliseconds } from '../src/epcis/event-hash.js';

const FIXTURES = new URL('../../test/fixtures/epcis-hash/', import.meta.url);
const lines = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8').trimEnd().split('\n');

describe('CBV 2.0 event hash against the reference examples', () => {
  const document = JSON.parse(readFileSync(new URL('epcisDocWithVariousEventTypes.jsonld', FIXTURES), 'utf8'));
  const namespaces = namespacesOfContext(document['@context']);
  const events = document.epcisBody.eventList as Record<string, unknown>[];
  const expectedPreHashes = lines('epcisDocWithVariousEventTypes.prehashes');
  const expectedHashes = lines('epcisDocWithVariousEventTypes.hashes');

  it('has one expected line per event', () => {
    expect(events).toHaveLength(13);
    expect(expectedPreHashes).toHaveLength(13);
    expect(expectedHashes).toHaveLength(13);
  });
  it.each(events.map((event, index) => [index, event.type, event] as const))(
    'event %i (%s): pre-hash string',
    (index, _type, event) => {
      expect(eventPreHash(event, namespaces)).toBe(expectedPreHashes[index]);
    },
  );
  it('every hash, in document order', () => {
    expect(documentEventHashes(document)).toEqual(expectedHashes);
  });
  it('does not depend on key order, list order, eventID or recordTime', () => {
    const event = events[4]!;
    const shuffled = Object.fromEntries(Object.entries(event).reverse());
    (shuffled as { childEPCs: string[] }).childEPCs = [...(event.childEPCs as string[])].reverse();
    Object.assign(shuffled, { eventID: 'urn:uuid:x', recordTime: '2030-01-01T00:00:00.000Z' });
    expect(eventPreHash(shuffled, namespaces)).toBe(expectedPreHashes[4]);
  });
});

describe('normalisation', () => {
  it.each([
    ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/10614141073464/21/2017'],
    ['urn:epc:id:sscc:5200001.0111111146', 'https://id.gs1.org/00/052000011111111461'],
    ['urn:epc:id:sgln:4012345.00000.5', 'https://id.gs1.org/414/4012345000009/254/5'],
    ['urn:epc:id:sgln:4012345.00012.0', 'https://id.gs1.org/414/4012345000122'],
    ['urn:epc:id:pgln:4012345.00000', 'https://id.gs1.org/417/4012345000009'],
    ['urn:epc:class:lgtin:4054739.099914.20160711', 'https://id.gs1.org/01/04054739999148/10/20160711'],
    ['urn:epc:idpat:sgtin:4012345.066666.*', 'https://id.gs1.org/01/04012345666663'],
    ['https://example.com/01/10614141073464/21/2017?x=1', 'https://id.gs1.org/01/10614141073464/21/2017'],
    ['geo:47.506694,11.104301', undefined],
  ])('%s → %s', (uri, expected) => {
    expect(toCanonicalDigitalLink(uri)).toBe(expected);
  });
  it.each([
    ['2019-10-21T11:00:30.000+01:00', '2019-10-21T10:00:30.000Z'],
    ['2019-10-21T00:05:00-06:00', '2019-10-21T06:05:00.000Z'],
    ['2022-02-16T20:33:31.116000-06:00', '2022-02-17T02:33:31.116Z'],
  ])('time %s → %s', (time, expected) => {
    expect(utcMilliseconds(time)).toBe(expected);
  });
  it('keeps a time already in UTC with milliseconds exactly as going through Date would (any field, in range or not)', () => {
    const field = (max: number, width: number) =>
      fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
    const utcText = fc
      .tuple(field(9999, 4), field(13, 2), field(32, 2), field(25, 2), field(61, 2), field(61, 2), field(999, 3))
      .map(
        ([year, month, day, hour, minute, second, ms]) => `${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}Z`,
      );
    fc.assert(
      fc.property(utcText, (text) => {
        expect(utcMilliseconds(text)).toBe(utcMillisecondsThroughDate(text));
      }),
      { seed: 1205, numRuns: 20_000 },
    );
  });
});

/** utcMilliseconds without its shortcut, as it was written first: every time parsed and printed by Date. */
function utcMillisecondsThroughDate(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return text;
  const epochMs = Date.parse(`${match[1]}.${(match[2] ?? '').padEnd(3, '0').slice(0, 3)}${match[3]}`);
  return Number.isNaN(epochMs) ? text : new Date(epochMs).toISOString();
}

describe('stockwire event ids', () => {
  const event = {
    type: 'ObjectEvent',
    eventTime: '2026-11-25T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'receiving',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00001.3' },
    bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
    'stockwire:readCount': 4,
  };
  it('are the CBV 2.0 hash, extensions included', () => {
    const id = deterministicEventId(event);
    expect(id).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(deterministicEventId({ ...event, 'stockwire:readCount': 5 })).not.toBe(id);
  });
  it('verify new ids and the wave-1 ids already stored, nothing else', () => {
    expect(matchesEventId({ ...event, eventID: deterministicEventId(event) })).toBe(true);
    expect(matchesEventId({ ...event, eventID: legacyEventId(event) })).toBe(true);
    expect(legacyEventId(event)).not.toBe(deterministicEventId(event));
    expect(matchesEventId({ ...event, eventID: deterministicEventId({ ...event, action: 'ADD' }) })).toBe(false);
  });
});
