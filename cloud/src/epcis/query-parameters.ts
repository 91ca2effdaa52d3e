import { z } from 'zod';
import { formatIssues } from '../../../shared/src/zod-issues.js';
import { normalisedBizStep, normalisedIdentifier } from './event-record.js';
import { EVENT_QUERY_LIMIT_MAX, type EventQuery } from './event-store.js';

/** Default page size when the client sends no `perPage`. */
export const PER_PAGE_DEFAULT = 30;

const time = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO 8601 date-time, e.g. 2026-12-04T10:00:00Z')
  .transform((text) => Date.parse(text));
/** EPCIS 2.0 REST: several values of one parameter are separated by `|` (OR). */
const values = z
  .string()
  .min(1)
  .max(8192)
  .transform((text) => text.split('|').filter((value) => value.length > 0));

export const EventQueryParametersSchema = z
  .object({
    eventType: values.optional(),
    GE_eventTime: time.optional(),
    LT_eventTime: time.optional(),
    GE_recordTime: time.optional(),
    EQ_bizStep: values.optional(),
    EQ_bizLocation: values.optional(),
    EQ_readPoint: values.optional(),
    MATCH_epc: values.optional(),
    MATCH_anyEPC: values.optional(),
    MATCH_parentID: values.optional(),
    perPage: z.coerce.number().int().min(1).max(EVENT_QUERY_LIMIT_MAX).optional(),
    nextPageToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'is not a token this server issued')
      .optional(),
  })
  .strict();

export type EventQueryParameters = z.output<typeof EventQueryParametersSchema>;

export function encodePageToken(afterSeq: number): string {
  return Buffer.from(`seq:${afterSeq}`).toString('base64url');
}

function decodePageToken(token: string): number | undefined {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** Query parameters → store query, or the first problem (parameter name + reason). */
export function toEventQuery(raw: unknown): { query: EventQuery } | { parameter: string; reason: string } {
  const parsed = EventQueryParametersSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const parameter = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
    return { parameter: parameter || '(query)', reason: formatIssues([issue]) };
  }
  const parameters = parsed.data;
  const afterSeq = parameters.nextPageToken === undefined ? undefined : decodePageToken(parameters.nextPageToken);
  if (parameters.nextPageToken !== undefined && afterSeq === undefined)
    return { parameter: 'nextPageToken', reason: 'is not a token this server issued' };
  const epcs = [...(parameters.MATCH_epc ?? []), ...(parameters.MATCH_anyEPC ?? [])];
  const query: EventQuery = {
    limit: parameters.perPage ?? PER_PAGE_DEFAULT,
    ...(parameters.eventType ? { eventTypes: parameters.eventType } : {}),
    ...(parameters.GE_eventTime !== undefined ? { geEventTimeMs: parameters.GE_eventTime } : {}),
    ...(parameters.LT_eventTime !== undefined ? { ltEventTimeMs: parameters.LT_eventTime } : {}),
    ...(parameters.GE_recordTime !== undefined ? { geRecordTimeMs: parameters.GE_recordTime } : {}),
    ...(parameters.EQ_bizStep ? { bizSteps: parameters.EQ_bizStep.map(normalisedBizStep) } : {}),
    ...(parameters.EQ_bizLocation ? { bizLocations: parameters.EQ_bizLocation.map(normalisedIdentifier) } : {}),
    ...(parameters.EQ_readPoint ? { readPoints: parameters.EQ_readPoint.map(normalisedIdentifier) } : {}),
    ...(epcs.length > 0 ? { epcs: epcs.map(normalisedIdentifier) } : {}),
    ...(parameters.MATCH_parentID ? { parentIds: parameters.MATCH_parentID.map(normalisedIdentifier) } : {}),
    ...(afterSeq !== undefined ? { afterSeq } : {}),
  };
  return { query };
}
