import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpcisEventSchema } from '../src/contracts/epcis.js';
import { isIsoTime, isoTimeSchema, parseIsoTime, timeZoneOffsetSchema } from '../src/contracts/iso-time.js';

describe('strict ISO 8601 date-times (issue 12: no rollover)', () => {
  it.each([
    ['2026-11-25T10:00:00Z', Date.UTC(2026, 10, 25, 10)],
    ['2026-11-25T10:00:00.123456789+01:00', Date.UTC(2026, 10, 25, 9, 0, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29T23:59:59-14:00', Date.UTC(2000, 2, 1, 13, 59, 59)],
    ['2026-12-31T23:59:59+14:00', Date.UTC(2026, 11, 31, 9, 59, 59)],
  ])('accepts %s', (text, timeMs) => {
    expect(parseIsoTime(text)).toEqual({ ok: true, timeMs });
  });

  it.each([
    ['2026-13-01T00:00:00Z', 'month 13'],
    ['2026-00-10T00:00:00Z', 'month 00'],
    ['2026-02-31T00:00:00Z', 'day 31 does not exist in 2026-02'],
    ['2026-02-29T00:00:00Z', 'day 29'],
    ['1900-02-29T00:00:00Z', 'year 1900'],
    ['2026-04-31T00:00:00Z', 'day 31'],
    ['2026-01-00T00:00:00Z', 'day 00'],
    ['2026-01-01T24:00:00Z', 'hour 24'],
    ['2026-01-01T23:60:00Z', 'minute 60'],
    ['2026-01-01T23:59:60Z', 'second 60'],
    ['2026-01-01T00:00:00+99:99', 'offset +99:99'],
    ['2026-01-01T00:00:00+14:30', 'offset +14:30'],
    ['2026-01-01T00:00:00+05:60', 'offset +05:60'],
    ['2026-01-01T00:00:00', 'with a zone'],
    ['2026-01-01T00:00Z', 'must give seconds'],
    ['0001-01-01T00:00:00Z', 'year 1'],
    ['2026-01-01T00:00:00.1234567890Z', 'with a zone'],
  ])('refuses %s (%s)', (text, reason) => {
    const outcome = parseIsoTime(text);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(reason);
  });

  it('lets the ledger API leave the seconds out, and zod names the field', () => {
    expect(parseIsoTime('2026-01-01T10:00Z', { secondsRequired: false }).ok).toBe(true);
    const issue = isoTimeSchema().safeParse('2026-13-01T00:00:00Z').error?.issues[0];
    expect(issue?.message).toContain('month 13');
    expect(timeZoneOffsetSchema.safeParse('+99:99').success).toBe(false);
    expect(timeZoneOffsetSchema.safeParse('-13:59').success).toBe(true);
  });

  it('refuses an EPCIS event dated month 13, naming eventTime', () => {
    const parsed = EpcisEventSchema.safeParse({
      type: 'ObjectEvent',
      eventID: 'ni:///sha-256;00?ver=CBV2.0',
      eventTime: '2026-13-01T00:00:00Z',
      eventTimeZoneOffset: '+99:99',
      action: 'OBSERVE',
      bizStep: 'receiving',
      readPoint: { id: 'urn:x:door' },
      bizLocation: { id: 'urn:x:backroom' },
      epcList: [],
    });
    const paths = parsed.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['eventTime', 'eventTimeZoneOffset']));
  });
});

describe('isIsoTime, the hot-path answer', () => {
  const field = (max: number, width: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
  // Fields in and out of range, in the canonical shape and around it (other fractions, zones, a missing second).
  const nearlyCanonical = fc
    .tuple(
      fc.tuple(field(9999, 4), field(13, 2), field(32, 2), field(25, 2), field(61, 2), field(61, 2)),
      fc.constantFrom('.000Z', '.999Z', 'Z', '.12Z', '.1234Z', '.000+01:00', '.000z', ''),
    )
    .map(
      ([[year, month, day, hour, minute, second], tail]) =>
        `${year}-${month}-${day}T${hour}:${minute}:${second}${tail}`,
    );

  it.each([true, false])('equals parseIsoTime(…).ok for any text (secondsRequired %s)', (secondsRequired) => {
    fc.assert(
      fc.property(fc.oneof(nearlyCanonical, fc.string({ maxLength: 30 })), (text) => {
        expect(isIsoTime(text, { secondsRequired })).toBe(parseIsoTime(text, { secondsRequired }).ok);
      }),
      { seed: 1205, numRuns: 20_000 },
    );
  });
});
