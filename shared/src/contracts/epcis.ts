import { z } from 'zod';
import { isoTimeSchema, timeZoneOffsetSchema } from './iso-time.js';

/**
 * EPCIS 2.0 JSON as stockwire puts it on the wire (gateway → cloud).
 * A subset of the official schema (../shared/data/epcis): every document we emit
 * also validates against that schema (tested in shared/test/epcis-conformance.test.ts).
 * The cloud's ingest tries `epcis-fast-path.ts` first, which restates these rules by hand: change both
 * (`shared/test/epcis-fast-path.test.ts` compares them and fails when they drift apart).
 */

export const EPCIS_CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
/** JSON-LD prefix for our extension fields (`stockwire:readCount`, …). */
export const STOCKWIRE_NAMESPACE = 'https://stockwire.dev/ns/epcis#';
export const EPCIS_CONTEXT = [EPCIS_CONTEXT_URL, { stockwire: STOCKWIRE_NAMESPACE }] as const;

/** The business steps the ledger understands; anything else is dead-lettered. */
export const BIZ_STEPS = [
  'receiving', // dock door inbound
  'shipping', // dock door outbound
  'stocking', // shelf gained items
  'removing', // shelf lost items
  'cycle_counting', // full shelf snapshot
  'retail_selling', // POS
  'unpacking', // cases opened into eaches (CBV 2.0 bizStep)
  'destroying', // items written off (disposition damaged / destroyed)
] as const;
export type BizStep = (typeof BIZ_STEPS)[number];

const isoTimeWithOffset = isoTimeSchema({ secondsRequired: true });
const timeZoneOffset = timeZoneOffsetSchema;
/**
 * Pure-identity EPC URN or the raw form for tags we cannot decode. Second branch: the TDS raw form
 * (`urn:epc:raw:96.x3074…`) and the URN characters TDS leaves unescaped in serials (`!'()+,;=`).
 */
export const EPC_URN_PATTERN =
  /^urn:epc:(id|raw):[A-Za-z0-9-]+:[A-Za-z0-9.%:*_\-]+$|^urn:epc:(?:id:[a-z0-9-]+:[A-Za-z0-9.%:*_\-!'()+,;=]+|raw:\d+\.(?:[A-Za-z0-9]+\.)?x[0-9A-F]+)$/;
export const URI_PATTERN = /^[a-z][a-z0-9+.-]*:\S+$/i;
/** Pure-identity EPC URN or the raw form for tags we cannot decode. */
export const EpcUrnSchema = z
  .string()
  .max(256)
  .regex(EPC_URN_PATTERN, 'must be an EPC URN (urn:epc:id:… or urn:epc:raw:…)');
const uri = z.string().min(1).max(512).regex(URI_PATTERN, 'must be a URI');

export const QUANTITY_ELEMENTS_MAX = 10_000;
export const BIZ_TRANSACTIONS_MAX = 16;

export const QuantityElementSchema = z
  .object({
    epcClass: z.string().min(1).max(256),
    /** Decimal string or number; the ledger parses it exactly. */
    quantity: z.number().nonnegative(),
    uom: z.string().max(8).optional(),
  })
  .strict();

/** Known keys of an event; other keys must be namespaced extensions (`prefix:name`). */
export const EXTENSION_KEY_PATTERN = /^[A-Za-z][\w.-]*:[\w.-]+$/;

function rejectUnknownUnprefixed(known: readonly string[]) {
  const knownSet = new Set(known);
  return (value: Record<string, unknown>, context: z.RefinementCtx) => {
    for (const key of Object.keys(value)) {
      if (!knownSet.has(key) && !EXTENSION_KEY_PATTERN.test(key)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          message: `unknown field "${key}" (extensions need a prefix, e.g. stockwire:${key})`,
        });
      }
    }
  };
}

const commonEventShape = {
  eventID: z.string().min(1).max(256),
  eventTime: isoTimeWithOffset,
  eventTimeZoneOffset: timeZoneOffset,
  recordTime: isoTimeWithOffset.optional(),
  action: z.enum(['ADD', 'OBSERVE', 'DELETE']),
  bizStep: z.enum(BIZ_STEPS),
  disposition: z.string().max(64).optional(),
  readPoint: z.object({ id: uri }).strict(),
  bizLocation: z.object({ id: uri }).strict(),
  bizTransactionList: z
    .array(z.object({ type: z.string().max(64).optional(), bizTransaction: z.string().min(1).max(256) }).strict())
    .max(BIZ_TRANSACTIONS_MAX)
    .optional(),
};

export const OBJECT_EVENT_EPCS_MAX = 100_000;

export const ObjectEventSchema = z
  .object({
    type: z.literal('ObjectEvent'),
    ...commonEventShape,
    epcList: z.array(EpcUrnSchema).max(OBJECT_EVENT_EPCS_MAX),
    quantityList: z.array(QuantityElementSchema).max(QUANTITY_ELEMENTS_MAX).optional(),
  })
  .catchall(z.unknown())
  .superRefine(rejectUnknownUnprefixed(['type', ...Object.keys(commonEventShape), 'epcList', 'quantityList']));

export const AggregationEventSchema = z
  .object({
    type: z.literal('AggregationEvent'),
    ...commonEventShape,
    parentID: EpcUrnSchema,
    childEPCs: z.array(EpcUrnSchema).max(OBJECT_EVENT_EPCS_MAX),
    childQuantityList: z.array(QuantityElementSchema).max(QUANTITY_ELEMENTS_MAX).optional(),
  })
  .catchall(z.unknown())
  .superRefine(
    rejectUnknownUnprefixed(['type', ...Object.keys(commonEventShape), 'parentID', 'childEPCs', 'childQuantityList']),
  );

export const EpcisEventSchema = z.union([ObjectEventSchema, AggregationEventSchema]);

export type ObjectEvent = z.infer<typeof ObjectEventSchema>;
export type AggregationEvent = z.infer<typeof AggregationEventSchema>;
export type EpcisEvent = ObjectEvent | AggregationEvent;

export const EVENTS_PER_DOCUMENT_MAX = 1_000;

export const EpcisDocumentSchema = z
  .object({
    '@context': z.array(z.union([z.string(), z.record(z.string())])).min(1),
    type: z.literal('EPCISDocument'),
    schemaVersion: z.literal('2.0'),
    creationDate: isoTimeWithOffset,
    /** Gateway that produced the document and its per-gateway sequence number (ordering and gap detection). */
    'stockwire:gateway': z.string().max(64).optional(),
    'stockwire:sequence': z.number().int().nonnegative().optional(),
    /** The highest sequence the cloud had confirmed to this gateway when it sent the document (end-to-end confirmation). */
    'stockwire:confirmedThrough': z.number().int().nonnegative().optional(),
    epcisBody: z.object({ eventList: z.array(EpcisEventSchema).min(1).max(EVENTS_PER_DOCUMENT_MAX) }).strict(),
  })
  .strict();

export type EpcisDocument = z.infer<typeof EpcisDocumentSchema>;

export interface DocumentMetadata {
  creationDate: string;
  gatewayId?: string;
  sequence?: number;
  confirmedThrough?: number;
}

export function buildEpcisDocument(events: readonly EpcisEvent[], metadata: DocumentMetadata): EpcisDocument {
  const document: EpcisDocument = {
    '@context': [...EPCIS_CONTEXT] as EpcisDocument['@context'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: metadata.creationDate,
    epcisBody: { eventList: [...events] },
  };
  if (metadata.gatewayId !== undefined) document['stockwire:gateway'] = metadata.gatewayId;
  if (metadata.sequence !== undefined) document['stockwire:sequence'] = metadata.sequence;
  if (metadata.confirmedThrough !== undefined) document['stockwire:confirmedThrough'] = metadata.confirmedThrough;
  return document;
}
