import { z } from 'zod';
import { formatIssues } from '../../../shared/src/zod-issues.js';
import { deterministicEventId } from '../../../shared/src/contracts/event-id.js';
import { namespacesOfContext, type NamespaceMap } from '../../../shared/src/epcis/event-hash.js';

/**
 * What the capture interface accepts: any EPCIS 2.0 event type and any bizStep (suppliers send `packing`,
 * `departing`, …), checked for the fields every EPCIS event must have. Events the ledger understands are then
 * checked again, strictly, by the same schema the MQTT path uses (`shared/src/contracts/epcis.ts`).
 */
export const EPCIS_EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;

const isoTimeWithZone = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'must be an ISO 8601 time with a zone')
  .refine((text) => !Number.isNaN(Date.parse(text)), 'is not a real date');

export const CaptureEventSchema = z
  .object({
    type: z.enum(EPCIS_EVENT_TYPES),
    eventID: z.string().min(1).max(256).optional(),
    eventTime: isoTimeWithZone,
    eventTimeZoneOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'must look like +01:00'),
    action: z.enum(['ADD', 'OBSERVE', 'DELETE']).optional(),
    bizStep: z.string().min(1).max(512).optional(),
    epcList: z.array(z.string().min(1).max(512)).optional(),
    childEPCs: z.array(z.string().min(1).max(512)).optional(),
    parentID: z.string().min(1).max(512).optional(),
  })
  .passthrough()
  .superRefine((event, context) => {
    // EPCIS 2.0: every type but TransformationEvent has an action.
    if (event.type !== 'TransformationEvent' && event.action === undefined)
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['action'], message: 'is required for this event type' });
  });

export const CaptureDocumentSchema = z
  .object({
    '@context': z.union([z.string(), z.array(z.union([z.string(), z.record(z.unknown())])), z.record(z.unknown())]),
    type: z.literal('EPCISDocument'),
    schemaVersion: z.union([z.literal('2.0'), z.literal(2)]),
    creationDate: isoTimeWithZone,
    epcisBody: z.object({ eventList: z.array(z.unknown()) }).passthrough(),
  })
  .passthrough();

export type CapturedEvent = Record<string, unknown> & { eventID: string; type: string; eventTime: string };

export type ParsedEvent = { index: number; event: CapturedEvent } | { index: number; error: string };

/** Validates one event and gives it its CBV 2.0 hash as eventID when it came without one. */
export function parseCaptureEvent(raw: unknown, index: number, context: unknown): ParsedEvent {
  const parsed = CaptureEventSchema.safeParse(raw);
  if (!parsed.success) return { index, error: formatIssues(parsed.error.issues.slice(0, 10)) };
  const event = parsed.data as Record<string, unknown>;
  const eventID = parsed.data.eventID ?? deterministicEventId(event, context);
  return { index, event: { ...event, eventID } as CapturedEvent };
}

export function documentNamespaces(document: { '@context': unknown }): NamespaceMap {
  return namespacesOfContext(document['@context']);
}
