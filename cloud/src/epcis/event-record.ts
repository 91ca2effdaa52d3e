import { toCanonicalDigitalLink } from '../../../shared/src/epcis/digital-link.js';
import { cbvEventHash, type NamespaceMap } from '../../../shared/src/epcis/event-hash.js';
import { computedCbvHash } from '../../../shared/src/contracts/event-id.js';
import type { StoredEventInput } from './event-store.js';

/**
 * How values are normalised for storage and for query parameters alike, so a query may name an EPC or location
 * as a URN or as a GS1 Digital Link URI and a step as `receiving`, its CBV 1.x URN or its `ref.gs1.org` URI.
 */
const BIZ_STEP_PREFIXES = [
  'urn:epcglobal:cbv:bizstep:',
  'https://ref.gs1.org/cbv/BizStep-',
  'https://gs1.org/voc/BizStep-',
];

export function normalisedBizStep(value: string): string {
  for (const prefix of BIZ_STEP_PREFIXES) if (value.startsWith(prefix)) return value.slice(prefix.length);
  return value;
}

export function normalisedIdentifier(value: string): string {
  return toCanonicalDigitalLink(value) ?? value;
}

const EPC_LIST_FIELDS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'] as const;

function stringAt(event: Record<string, unknown>, key: string): string | null {
  const value = event[key];
  return typeof value === 'string' ? value : null;
}

function idAt(event: Record<string, unknown>, key: string): string | null {
  const value = event[key];
  const id = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? normalisedIdentifier(id) : null;
}

/** The storage record of one event (which already has its eventID); `recordTime` is stamped into the body. */
export function eventRecord(
  event: Record<string, unknown> & { eventID: string },
  namespaces: NamespaceMap,
  recordTimeMs: number,
  source: string,
): StoredEventInput {
  const epcs = new Set<string>();
  for (const field of EPC_LIST_FIELDS) {
    const list = event[field];
    if (Array.isArray(list)) for (const epc of list) if (typeof epc === 'string') epcs.add(normalisedIdentifier(epc));
  }
  const bizStep = stringAt(event, 'bizStep');
  const parentId = stringAt(event, 'parentID');
  return {
    eventId: event.eventID,
    // The ingest already hashed a gateway's event to verify its id: the same hash, not computed twice.
    contentHash: computedCbvHash(event) ?? cbvEventHash(event, namespaces),
    eventType: String(event.type),
    eventTimeMs: Date.parse(String(event.eventTime)),
    recordTimeMs,
    bizStep: bizStep === null ? null : normalisedBizStep(bizStep),
    bizLocation: idAt(event, 'bizLocation'),
    readPoint: idAt(event, 'readPoint'),
    epcs: [...epcs],
    parentId: parentId === null ? null : normalisedIdentifier(parentId),
    source,
    body: { ...event, recordTime: new Date(recordTimeMs).toISOString() },
  };
}
