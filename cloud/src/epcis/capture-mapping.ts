import { BIZ_STEPS, EpcisEventSchema, buildEpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { makeError } from '../../../shared/src/errors.js';
import type { Catalog } from '../ledger/catalog.js';
import type { Transaction } from '../ledger/transactions.js';
import { mapEpcisDocument } from '../ingest/epcis-to-transactions.js';
import type { CapturedEvent } from './capture-document.js';
import { EpcisErrors } from './errors.js';
import { normalisedBizStep } from './event-record.js';
import type { CaptureJob } from './event-store.js';

/** Pure: captured events → ledger transactions, through the MQTT path's strict schema and mapping. */

export type JobError = CaptureJob['errors'][number];

/** Transactions from captures name this as their gateway (`source.gatewayId`). */
export const GATEWAY_OF_CAPTURES = 'epcis-capture';

/**
 * Events at one of our catalog locations with a bizStep the ledger books become transactions, checked by the
 * MQTT path's strict schema (a failure is an error); everything else (a supplier's packing, events elsewhere)
 * is stored and queryable only.
 */
export function mapCapturedEvents(
  events: readonly CapturedEvent[],
  catalog: Catalog,
  errors: JobError[],
): Transaction[] {
  const transactions: Transaction[] = [];
  for (const event of events) {
    const bizStep = typeof event.bizStep === 'string' ? normalisedBizStep(event.bizStep) : '';
    const location = (event.bizLocation as { id?: unknown } | undefined)?.id;
    const site = typeof location === 'string' ? catalog.locations.get(location)?.site : undefined;
    if (site === undefined || !(BIZ_STEPS as readonly string[]).includes(bizStep)) continue;
    const strict = EpcisEventSchema.safeParse({ ...ledgerFields(event), bizStep });
    if (!strict.success) {
      const issue = strict.error.issues[0];
      const reason = `event ${event.eventID}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`;
      errors.push(validationError(reason, event.eventID));
      continue;
    }
    const document = buildEpcisDocument([strict.data], { creationDate: event.eventTime });
    const result = mapEpcisDocument(document, { siteId: site, gatewayId: GATEWAY_OF_CAPTURES }, catalog);
    transactions.push(...result.transactions);
    // As on MQTT: an AggregationEvent books nothing by design; any other unmapped event is an error.
    if (strict.data.type === 'ObjectEvent')
      for (const skipped of result.skipped) errors.push(validationError(skipped.reason, skipped.eventId));
  }
  return transactions;
}

/** The fields the ledger mapping reads; the others (sourceList, ilmd, extensions) stay in the stored event. */
const LEDGER_FIELDS = [
  'type',
  'eventID',
  'eventTime',
  'eventTimeZoneOffset',
  'action',
  'bizStep',
  'disposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'epcList',
  'quantityList',
  'parentID',
  'childEPCs',
  'childQuantityList',
] as const;

function ledgerFields(event: CapturedEvent): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of LEDGER_FIELDS) if (event[key] !== undefined) fields[key] = event[key];
  if (fields.type === 'ObjectEvent' && fields.epcList === undefined) fields.epcList = [];
  if (fields.type === 'AggregationEvent' && fields.childEPCs === undefined) fields.childEPCs = [];
  return fields;
}

export function validationError(detail: string, eventID?: string): JobError {
  const error = makeError(EpcisErrors.VALIDATION, { reason: detail });
  return {
    ...(eventID ? { eventID } : {}),
    type: 'epcisException:ValidationException',
    title: error.code,
    status: 400,
    detail: error.message,
  };
}

export function conflictError(eventID: string): JobError {
  const error = makeError(EpcisErrors.EVENT_ID_CONFLICT, { eventId: eventID });
  return { eventID, type: 'epcisException:ValidationException', title: error.code, status: 409, detail: error.message };
}
