import type { z } from 'zod';
import {
  BIZ_STEPS,
  BIZ_TRANSACTIONS_MAX,
  EpcisDocumentSchema,
  EPC_URN_PATTERN,
  EVENTS_PER_DOCUMENT_MAX,
  EXTENSION_KEY_PATTERN,
  OBJECT_EVENT_EPCS_MAX,
  QUANTITY_ELEMENTS_MAX,
  URI_PATTERN,
  type EpcisDocument,
  type EpcisEvent,
} from './epcis.js';
import { isIsoTime as isIsoTimeText, TIME_ZONE_OFFSET_PATTERN } from './iso-time.js';

/**
 * A precompiled check of `EpcisDocumentSchema` for documents that are plainly valid, written out by hand because the
 * cloud validates every document it ingests and zod's generic walk was most of that cost. It says "valid, here is
 * the output" or "not sure" (`undefined`), never "invalid": the caller then runs the zod schema, which decides and
 * names every issue. So the schema stays the one definition of what is accepted; this only answers early for inputs
 * it can prove the schema accepts, and builds exactly the output the schema would (same keys, same key order).
 * `epcis-fast-path.test.ts` holds the two together on generated and mutated documents.
 *
 * "Not sure" covers anything unusual even when the schema would accept it (non-plain objects, `undefined` values,
 * non-finite numbers, `__proto__` keys): those take the schema's slower path, with the same outcome.
 */
export function safeParseEpcisDocument(input: unknown): z.SafeParseReturnType<unknown, EpcisDocument> {
  const fast = parseEpcisDocumentFast(input);
  return fast === undefined ? EpcisDocumentSchema.safeParse(input) : { success: true, data: fast };
}

/** The fast path alone: the schema's output for a plainly valid document, `undefined` when not sure. */
export function parseEpcisDocumentFast(input: unknown): EpcisDocument | undefined {
  if (!isPlainObject(input) || !hasOnlyKeys(input, DOCUMENT_KEYS)) return undefined;
  if (input['type'] !== 'EPCISDocument' || input['schemaVersion'] !== '2.0') return undefined;
  const context = contextList(input['@context']);
  if (context === undefined || !isIsoTime(input['creationDate'])) return undefined;
  const body = input['epcisBody'];
  if (!isPlainObject(body) || !hasOnlyKeys(body, BODY_KEYS)) return undefined;
  const eventList = body['eventList'];
  if (!Array.isArray(eventList) || eventList.length < 1 || eventList.length > EVENTS_PER_DOCUMENT_MAX) return undefined;
  const events: EpcisEvent[] = [];
  for (const event of eventList) {
    const parsed = parseEvent(event);
    if (parsed === undefined) return undefined;
    events.push(parsed);
  }
  const document: Record<string, unknown> = {
    '@context': context,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: input['creationDate'],
  };
  if (!copyOptional(input, document, 'stockwire:gateway', (value) => isString(value, 0, 64))) return undefined;
  if (!copyOptional(input, document, 'stockwire:sequence', isCount)) return undefined;
  if (!copyOptional(input, document, 'stockwire:confirmedThrough', isCount)) return undefined;
  document['epcisBody'] = { eventList: events };
  return document as EpcisDocument;
}

const DOCUMENT_KEYS = new Set([
  '@context',
  'type',
  'schemaVersion',
  'creationDate',
  'stockwire:gateway',
  'stockwire:sequence',
  'stockwire:confirmedThrough',
  'epcisBody',
]);
const BODY_KEYS = new Set(['eventList']);
const ID_KEYS = new Set(['id']);
const TRANSACTION_KEYS = new Set(['type', 'bizTransaction']);
const QUANTITY_KEYS = new Set(['epcClass', 'quantity', 'uom']);
const ACTIONS = new Set(['ADD', 'OBSERVE', 'DELETE']);
const BIZ_STEP_SET = new Set<string>(BIZ_STEPS);
const COMMON_KEYS = [
  'eventID',
  'eventTime',
  'eventTimeZoneOffset',
  'recordTime',
  'action',
  'bizStep',
  'disposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
] as const;

/** Per event type: the schema's key order (the output's), its list fields and what they hold. */
interface EventShape {
  known: ReadonlySet<string>;
  parentKey?: string;
  epcsKey: string;
  quantitiesKey: string;
}
const EVENT_SHAPES: Readonly<Record<string, EventShape>> = {
  ObjectEvent: shape(undefined, 'epcList', 'quantityList'),
  AggregationEvent: shape('parentID', 'childEPCs', 'childQuantityList'),
};
function shape(parentKey: string | undefined, epcsKey: string, quantitiesKey: string): EventShape {
  const known = new Set<string>(['type', ...COMMON_KEYS, epcsKey, quantitiesKey]);
  if (parentKey !== undefined) known.add(parentKey);
  return parentKey === undefined ? { known, epcsKey, quantitiesKey } : { known, parentKey, epcsKey, quantitiesKey };
}

/** The keys the fast path knows, per object; a test holds them equal to the schema's shapes. */
export const FAST_PATH_KEYS = {
  document: DOCUMENT_KEYS,
  ObjectEvent: EVENT_SHAPES['ObjectEvent']!.known,
  AggregationEvent: EVENT_SHAPES['AggregationEvent']!.known,
};

/** One event as the schema's union would output it, or undefined when not sure. */
function parseEvent(input: unknown): EpcisEvent | undefined {
  if (!isPlainObject(input)) return undefined;
  const eventShape = typeof input['type'] === 'string' ? EVENT_SHAPES[input['type']] : undefined;
  if (eventShape === undefined) return undefined;
  const event: Record<string, unknown> = { type: input['type'] };
  if (!copyCommonFields(input, event)) return undefined;
  const { parentKey, epcsKey, quantitiesKey } = eventShape;
  if (parentKey !== undefined) {
    if (!isEpcUrn(input[parentKey])) return undefined;
    event[parentKey] = input[parentKey];
  }
  const epcs = epcList(input[epcsKey]);
  if (epcs === undefined) return undefined;
  event[epcsKey] = epcs;
  if (!copyOptionalList(input, event, quantitiesKey, QUANTITY_ELEMENTS_MAX, quantityElement)) return undefined;
  // The schema's catchall keeps other keys as they are, after the known ones, when they are namespaced extensions.
  for (const key of Object.keys(input)) {
    if (eventShape.known.has(key)) continue;
    if (!EXTENSION_KEY_PATTERN.test(key)) return undefined;
    event[key] = input[key];
  }
  return event as EpcisEvent;
}

function copyCommonFields(input: Record<string, unknown>, event: Record<string, unknown>): boolean {
  if (!isString(input['eventID'], 1, 256) || !isIsoTime(input['eventTime'])) return false;
  if (!isTimeZoneOffset(input['eventTimeZoneOffset'])) return false;
  event['eventID'] = input['eventID'];
  event['eventTime'] = input['eventTime'];
  event['eventTimeZoneOffset'] = input['eventTimeZoneOffset'];
  if (!copyOptional(input, event, 'recordTime', isIsoTime)) return false;
  const [action, bizStep] = [input['action'], input['bizStep']];
  if (typeof action !== 'string' || !ACTIONS.has(action)) return false;
  if (typeof bizStep !== 'string' || !BIZ_STEP_SET.has(bizStep)) return false;
  event['action'] = action;
  event['bizStep'] = bizStep;
  if (!copyOptional(input, event, 'disposition', (value) => isString(value, 0, 64))) return false;
  const [readPoint, bizLocation] = [idObject(input['readPoint']), idObject(input['bizLocation'])];
  if (readPoint === undefined || bizLocation === undefined) return false;
  event['readPoint'] = readPoint;
  event['bizLocation'] = bizLocation;
  return copyOptionalList(input, event, 'bizTransactionList', BIZ_TRANSACTIONS_MAX, bizTransaction);
}

function epcList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > OBJECT_EVENT_EPCS_MAX) return undefined;
  for (const epc of value) if (!isEpcUrn(epc)) return undefined;
  return value.slice() as string[];
}

function idObject(value: unknown): { id: string } | undefined {
  if (!isPlainObject(value) || !hasOnlyKeys(value, ID_KEYS)) return undefined;
  const id = value['id'];
  return isString(id, 1, 512) && URI_PATTERN.test(id) ? { id } : undefined;
}

function bizTransaction(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value) || !hasOnlyKeys(value, TRANSACTION_KEYS)) return undefined;
  const entry: Record<string, unknown> = {};
  if (!copyOptional(value, entry, 'type', (type) => isString(type, 0, 64))) return undefined;
  if (!isString(value['bizTransaction'], 1, 256)) return undefined;
  entry['bizTransaction'] = value['bizTransaction'];
  return entry;
}

function quantityElement(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value) || !hasOnlyKeys(value, QUANTITY_KEYS)) return undefined;
  const quantity = value['quantity'];
  if (!isString(value['epcClass'], 1, 256) || typeof quantity !== 'number') return undefined;
  if (!Number.isFinite(quantity) || quantity < 0) return undefined;
  const element: Record<string, unknown> = { epcClass: value['epcClass'], quantity };
  return copyOptional(value, element, 'uom', (uom) => isString(uom, 0, 8)) ? element : undefined;
}

/** `@context`: a non-empty list of strings and string-valued records (each record copied, as zod does). */
function contextList(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value) || value.length < 1) return undefined;
  const context: unknown[] = [];
  for (const entry of value) {
    if (typeof entry === 'string') context.push(entry);
    else if (isPlainObject(entry)) {
      const record: Record<string, string> = {};
      for (const key of Object.keys(entry)) {
        const text = entry[key];
        if (typeof text !== 'string' || key === '__proto__') return undefined;
        record[key] = text;
      }
      context.push(record);
    } else return undefined;
  }
  return context;
}

/** An optional field: absent is fine; present must pass (a present `undefined` is left to the schema). */
function copyOptional(
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  key: string,
  check: (value: unknown) => boolean,
): boolean {
  const value = input[key];
  if (value === undefined) return !Object.hasOwn(input, key);
  if (!check(value)) return false;
  output[key] = value;
  return true;
}

function copyOptionalList(
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  key: string,
  lengthMax: number,
  element: (value: unknown) => Record<string, unknown> | undefined,
): boolean {
  const value = input[key];
  if (value === undefined) return !Object.hasOwn(input, key);
  if (!Array.isArray(value) || value.length > lengthMax) return false;
  const list: Record<string, unknown>[] = [];
  for (const item of value) {
    const parsed = element(item);
    if (parsed === undefined) return false;
    list.push(parsed);
  }
  output[key] = list;
  return true;
}

/** Only JSON-like objects: anything with another prototype (a Map, a Date, a class) goes to the schema. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function hasOnlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(value)) if (!allowed.has(key)) return false;
  return true;
}

function isString(value: unknown, lengthMin: number, lengthMax: number): value is string {
  return typeof value === 'string' && value.length >= lengthMin && value.length <= lengthMax;
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isEpcUrn(value: unknown): boolean {
  return isString(value, 0, 256) && EPC_URN_PATTERN.test(value);
}

function isIsoTime(value: unknown): boolean {
  return isString(value, 0, 40) && isIsoTimeText(value, { secondsRequired: true });
}

function isTimeZoneOffset(value: unknown): boolean {
  return typeof value === 'string' && TIME_ZONE_OFFSET_PATTERN.test(value);
}
