import * as crypto from 'node:crypto';
import { isCanonicalUtc } from '../contracts/iso-time.js';
import { toCanonicalDigitalLink } from './digital-link.js';

/**
 * The CBV 2.0 event hash (CBV 2.0 §8.9; reference implementation: the MIT-licensed epcis-event-hash-generator):
 * a canonical pre-hash string built from the event's fields in a fixed order, hashed with SHA-256 and written
 * `ni:///sha-256;<hex>?ver=CBV2.0`. The same event gets the same id in every EPCIS 2.0 system, whatever its JSON key
 * order, list order, time zone or identifier syntax (EPC URN or GS1 Digital Link).
 *
 * Rules: times in UTC with milliseconds; EPCs, classes and locations as canonical Digital Link URIs; CBV values
 * (bizStep, disposition, business transaction and source/destination types) as `https://ref.gs1.org/cbv/…` URIs;
 * every list's entries sorted; `eventID` and `recordTime` left out; user extensions (`prefix:name`, the prefix
 * resolved through the document's `@context`) appended last as `{namespace}name=value`, sorted. Pure.
 */

export const CBV_HASH_VERSION = 'CBV2.0';

/** JSON-LD prefix → namespace URI, from a document's `@context`. */
export type NamespaceMap = Readonly<Record<string, string>>;

type Json = unknown;
type FieldRule = (value: Json, namespaces: NamespaceMap) => string;

const CBV_ORIGIN = 'https://ref.gs1.org/cbv/';

/** Bare CBV words and their CBV 1.x URN forms, per vocabulary. */
function cbvValue(vocabulary: string, urnPrefix: string): (value: Json) => string {
  return (value) => {
    const text = String(value).trim();
    if (text.startsWith(urnPrefix)) return `${CBV_ORIGIN}${vocabulary}-${text.slice(urnPrefix.length)}`;
    if (/^[A-Za-z0-9_]+$/.test(text)) return `${CBV_ORIGIN}${vocabulary}-${text}`;
    return text;
  };
}
const bizStepUri = cbvValue('BizStep', 'urn:epcglobal:cbv:bizstep:');
const dispositionUri = cbvValue('Disp', 'urn:epcglobal:cbv:disp:');
const transactionTypeUri = cbvValue('BTT', 'urn:epcglobal:cbv:btt:');
const sourceDestinationTypeUri = cbvValue('SDT', 'urn:epcglobal:cbv:sdt:');

/** An identifier as the hash wants it: canonical Digital Link when it is a GS1 key, else unchanged. */
function identifier(value: Json): string {
  const text = String(value).trim();
  return toCanonicalDigitalLink(text) ?? text;
}

/** `2019-10-21T11:00:30.000+01:00` → `2019-10-21T10:00:30.000Z` (sub-millisecond digits dropped). */
export function utcMilliseconds(value: Json): string {
  const text = String(value).trim();
  // Gateways already write this form (toISOString): when every field is in range it is its own answer.
  if (isCanonicalUtc(text)) return text;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return text;
  const milliseconds = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  const epochMs = Date.parse(`${match[1]}.${milliseconds}${match[3]}`);
  return Number.isNaN(epochMs) ? text : new Date(epochMs).toISOString();
}

/** Numbers without trailing zeros or a leading `+`; other text unchanged. */
function canonicalScalar(value: Json): string {
  if (typeof value === 'number') return String(value);
  const text = String(value).trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return String(Number(text));
  return toCanonicalDigitalLink(text) ?? text;
}

const scalar =
  (name: string, canonical: (value: Json) => string): FieldRule =>
  (value) =>
    value === undefined || value === null || value === '' ? '' : `${name}=${canonical(value)}`;

function sortedJoin(parts: string[]): string {
  return parts
    .filter((part) => part !== '')
    .sort(compareCodeUnits)
    .join('');
}

function compareCodeUnits(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function list(name: string, entry: (item: Json) => string): FieldRule {
  return (value) => {
    if (!Array.isArray(value)) return '';
    const body = sortedJoin(value.map(entry));
    return body === '' ? '' : name + body;
  };
}

const epcList = (name: string): FieldRule => list(name, (epc) => `epc=${identifier(epc)}`);

const quantityList = (name: string): FieldRule =>
  list(name, (item) => {
    const element = (item ?? {}) as Record<string, Json>;
    const body =
      scalar('epcClass', identifier)(element.epcClass, {}) +
      scalar('quantity', canonicalScalar)(element.quantity, {}) +
      scalar('uom', (uom) => String(uom).trim())(element.uom, {});
    return body === '' ? '' : `quantityElement${body}`;
  });

/** bizTransactionList, sourceList, destinationList: each entry `type=…` then its value. */
function typedList(name: string, valueKey: string, typeUri: (value: Json) => string): FieldRule {
  return list(name, (item) => {
    const entry = (item ?? {}) as Record<string, Json>;
    return scalar('type', typeUri)(entry.type, {}) + scalar(valueKey, identifier)(entry[valueKey], {});
  });
}

function idObject(name: string): FieldRule {
  return (value) => {
    const id = (value as { id?: Json } | undefined)?.id;
    return id === undefined ? '' : `${name}id=${identifier(id)}`;
  };
}

function persistentDisposition(value: Json): string {
  const object = (value ?? {}) as Record<string, Json>;
  const body =
    list('', (item) => `set=${dispositionUri(item)}`)(object.set, {}) +
    list('', (item) => `unset=${dispositionUri(item)}`)(object.unset, {});
  return body === '' ? '' : `persistentDisposition${body}`;
}

/** The CBV 2.0 field order (after eventType). Anything not named here is a user extension or ignored. */
const FIELD_ORDER: ReadonlyArray<readonly [string, FieldRule]> = [
  ['eventTime', scalar('eventTime', utcMilliseconds)],
  ['eventTimeZoneOffset', scalar('eventTimeZoneOffset', (value) => String(value).trim())],
  ['epcList', epcList('epcList')],
  ['parentID', scalar('parentID', identifier)],
  ['inputEPCList', epcList('inputEPCList')],
  ['childEPCs', epcList('childEPCs')],
  ['quantityList', quantityList('quantityList')],
  ['childQuantityList', quantityList('childQuantityList')],
  ['inputQuantityList', quantityList('inputQuantityList')],
  ['outputEPCList', epcList('outputEPCList')],
  ['outputQuantityList', quantityList('outputQuantityList')],
  ['action', scalar('action', (value) => String(value).trim())],
  ['transformationID', scalar('transformationID', identifier)],
  ['bizStep', scalar('bizStep', bizStepUri)],
  ['disposition', scalar('disposition', dispositionUri)],
  ['persistentDisposition', persistentDisposition],
  ['readPoint', idObject('readPoint')],
  ['bizLocation', idObject('bizLocation')],
  ['bizTransactionList', typedList('bizTransactionList', 'bizTransaction', transactionTypeUri)],
  ['sourceList', typedList('sourceList', 'source', sourceDestinationTypeUri)],
  ['destinationList', typedList('destinationList', 'destination', sourceDestinationTypeUri)],
];

/** Fields that never take part in the hash. */
const IGNORED_FIELDS = new Set(['type', 'eventID', 'recordTime', '@context', 'certificationInfo']);
const FIELD_INDEX = new Map(FIELD_ORDER.map(([name], index) => [name, index]));

/** `stockwire:readCount` → `{https://stockwire.dev/ns/epcis#}readCount` when the prefix is declared. */
function expandedName(key: string, namespaces: NamespaceMap): string {
  const colon = key.indexOf(':');
  if (colon <= 0) return key;
  const namespace = namespaces[key.slice(0, colon)];
  return namespace === undefined ? key : `{${namespace}}${key.slice(colon + 1)}`;
}

/** A generic (extension or ilmd) element: `name=value`, or `name` followed by its sorted children. */
function genericElement(key: string, value: Json, namespaces: NamespaceMap): string[] {
  const name = expandedName(key, namespaces);
  if (Array.isArray(value)) return value.flatMap((item) => genericElement(key, item, namespaces));
  if (value !== null && typeof value === 'object') {
    const children = genericChildren(value as Record<string, Json>, namespaces);
    return [name + children];
  }
  if (value === null || value === undefined) return [name];
  const text = canonicalScalar(value);
  return [text === '' ? name : `${name}=${text}`];
}

function genericChildren(object: Record<string, Json>, namespaces: NamespaceMap): string {
  const parts = Object.entries(object)
    .filter(([key]) => !key.startsWith('@') && key !== '#text')
    .flatMap(([key, value]) => genericElement(key, value, namespaces));
  const text = object['#text'];
  return (text === undefined ? '' : `=${canonicalScalar(text)}`) + sortedJoin(parts);
}

/** The canonical pre-hash string of one EPCIS event (JSON / JSON-LD form). */
export function eventPreHash(event: Readonly<Record<string, Json>>, namespaces: NamespaceMap = {}): string {
  // One pass over the event's own keys (not a lookup per CBV field, most of which an event lacks): the cloud
  // recomputes every incoming event's id, so this runs once per event at least.
  const ordered: Array<string | undefined> = new Array<string | undefined>(FIELD_ORDER.length);
  const extensions: string[] = [];
  for (const key of Object.keys(event)) {
    const value = event[key];
    const index = FIELD_INDEX.get(key);
    if (index !== undefined) {
      if (value !== undefined) ordered[index] = FIELD_ORDER[index]![1](value, namespaces);
    } else if (!IGNORED_FIELDS.has(key)) extensions.push(...genericElement(key, value, namespaces));
  }
  let preHash = `eventType=${String(event.type ?? '')}`;
  for (const part of ordered) if (part !== undefined) preHash += part;
  return preHash + sortedJoin(extensions);
}

/**
 * SHA-256 of UTF-8 text, hex. The one-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object a
 * createHash chain builds: the cloud verifies every event's id, so this runs once per event at least.
 */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
export function sha256HexOfText(text: string): string {
  return oneShotHash
    ? oneShotHash('sha256', text, 'hex')
    : crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

export function cbvHashOfPreHash(preHash: string): string {
  return `ni:///sha-256;${sha256HexOfText(preHash)}?ver=${CBV_HASH_VERSION}`;
}

/** The CBV 2.0 event hash of one event: `ni:///sha-256;<hex>?ver=CBV2.0`. */
export function cbvEventHash(event: Readonly<Record<string, Json>>, namespaces: NamespaceMap = {}): string {
  return cbvHashOfPreHash(eventPreHash(event, namespaces));
}

/** Prefix map from a JSON-LD `@context` (a URL, an object, or a list of both); remote contexts are not fetched. */
export function namespacesOfContext(context: Json): NamespaceMap {
  const namespaces: Record<string, string> = {};
  const entries = Array.isArray(context) ? context : [context];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const [prefix, uri] of Object.entries(entry as Record<string, Json>)) {
      if (typeof uri === 'string') namespaces[prefix] = uri;
    }
  }
  return namespaces;
}

/** Every event's hash of an EPCIS document, in document order. */
export function documentEventHashes(document: Readonly<Record<string, Json>>): string[] {
  const namespaces = namespacesOfContext(document['@context']);
  const body = document.epcisBody as { eventList?: Json[] } | undefined;
  const events = body?.eventList ?? [];
  return events.map((event) => cbvEventHash((event ?? {}) as Record<string, Json>, namespaces));
}
