import { z } from 'zod';

/**
 * The one strict ISO 8601 date-time validator of stockwire (EPCIS event times, ledger
 * transaction times, API query times). A pattern alone lets `2026-13-01` or `2026-02-31`
 * through, and `Date.parse` then fails (NaN) or silently rolls over (`2026-02-31` →
 * 3 March). Here every field is range-checked before anything parses the date:
 * month 01–12, day within its month (leap years by the Gregorian rule), hour 00–23,
 * minute and second 00–59 (no leap second: JavaScript time has none), at most 9
 * fraction digits, a zone `Z` or an offset within ±14:00 (the range the EPCIS 2.0
 * JSON schema allows for `eventTimeZoneOffset`), year 1970–9999 (the epoch-ms range
 * the stores and readers keep).
 */
export const YEAR_MIN = 1970;
export const YEAR_MAX = 9999;
/** EPCIS 2.0 JSON schema pattern for eventTimeZoneOffset: −13:59…+13:59 and ±14:00. */
export const TIME_ZONE_OFFSET_PATTERN = /^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$/;

const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export type IsoTimeOutcome = { ok: true; timeMs: number } | { ok: false; reason: string };

export interface IsoTimeOptions {
  /** EPCIS requires seconds; the ledger API lets `10:00Z` mean `10:00:00Z`. */
  secondsRequired: boolean;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses a date-time with a zone; every field out of range is refused by name, nothing rolls over. */
export function parseIsoTime(text: string, options: IsoTimeOptions = { secondsRequired: true }): IsoTimeOutcome {
  const match = DATE_TIME_PATTERN.exec(text);
  if (!match) return { ok: false, reason: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-25T10:00:00Z' };
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, , zone] = match;
  if (secondText === undefined && options.secondsRequired)
    return { ok: false, reason: 'must give seconds (hh:mm:ss), e.g. 2026-11-25T10:00:00Z' };
  const [year, month, day, hour, minute, second] = [yearText, monthText, dayText, hourText, minuteText, secondText].map(
    (part) => Number(part ?? '0'),
  ) as [number, number, number, number, number, number];
  if (year < YEAR_MIN || year > YEAR_MAX)
    return { ok: false, reason: `year ${year} is outside ${YEAR_MIN}–${YEAR_MAX}` };
  if (month < 1 || month > 12) return { ok: false, reason: `month ${monthText} does not exist (01–12)` };
  if (day < 1 || day > daysInMonth(year, month))
    return { ok: false, reason: `day ${dayText} does not exist in ${yearText}-${monthText}` };
  if (hour > 23) return { ok: false, reason: `hour ${hourText} is outside 00–23` };
  if (minute > 59) return { ok: false, reason: `minute ${minuteText} is outside 00–59` };
  if (second > 59) return { ok: false, reason: `second ${secondText} is outside 00–59` };
  if (zone !== 'Z' && !TIME_ZONE_OFFSET_PATTERN.test(zone ?? ''))
    return { ok: false, reason: `offset ${zone} is outside −14:00…+14:00 or has minutes past 59` };
  const timeMs = Date.parse(text);
  // Unreachable after the checks above; kept so a NaN can never reach a store.
  if (!Number.isFinite(timeMs)) return { ok: false, reason: 'is not a representable time' };
  return { ok: true, timeMs };
}

const CANONICAL_UTC_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` (the form `toISOString` writes) naming a real instant: every field in range, the day
 * within its month. Such a text is its own UTC-milliseconds form, so hot paths can skip a parse through Date.
 */
export function isCanonicalUtc(text: string): boolean {
  const match = CANONICAL_UTC_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * `parseIsoTime(text, options).ok`, without the parse for the canonical form gateways write: such a text passes
 * every check of parseIsoTime except, perhaps, the year range (iso-time.test.ts holds the two equal).
 */
export function isIsoTime(text: string, options: IsoTimeOptions = { secondsRequired: true }): boolean {
  if (isCanonicalUtc(text)) return Number(text.slice(0, 4)) >= YEAR_MIN;
  return parseIsoTime(text, options).ok;
}

/** zod string refined by parseIsoTime: the issue names the field and what is out of range. */
export function isoTimeSchema(options: IsoTimeOptions = { secondsRequired: true }) {
  return z
    .string()
    .max(40)
    .superRefine((text, context) => {
      const outcome = parseIsoTime(text, options);
      if (!outcome.ok) context.addIssue({ code: z.ZodIssueCode.custom, message: outcome.reason });
    });
}

export const timeZoneOffsetSchema = z
  .string()
  .regex(TIME_ZONE_OFFSET_PATTERN, 'must be an offset within −14:00…+14:00 like +01:00 (minutes 00–59)');
