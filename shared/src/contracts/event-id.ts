import { cbvEventHash, namespacesOfContext, sha256HexOfText, type NamespaceMap } from '../epcis/event-hash.js';
import { EPCIS_CONTEXT } from './epcis.js';

/**
 * Deterministic event ids: the same content always yields the same id, so a movement re-sent after a crash or a
 * QoS 1 redelivery is recognised end to end.
 *
 * Since wave 2 the id is the **CBV 2.0 event hash** (`shared/src/epcis/event-hash.ts`), so the same event gets the
 * same id in stockwire and in any other EPCIS 2.0 system. Ids made before that (the SHA-256 of our own canonical
 * JSON, same `ni:///sha-256;…?ver=CBV2.0` form) stay valid: `matchesEventId` accepts either, and stored ids are
 * never rewritten.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return sha256HexOfText(text);
}

/** The namespaces of stockwire's own documents (`stockwire:` extensions), used when no document is at hand. */
const STOCKWIRE_NAMESPACES = namespacesOfContext(EPCIS_CONTEXT);

/** The CBV 2.0 event hash of an event in a stockwire document (or a document with the given `@context`). */
export function deterministicEventId(eventWithoutId: Record<string, unknown>, context?: unknown): string {
  const namespaces = context === undefined ? STOCKWIRE_NAMESPACES : namespacesOfContext(context);
  return cbvEventHash(eventWithoutId, namespaces);
}

/** The wave-1 id: SHA-256 of our canonical JSON without `eventID`. Only for verifying ids stored before wave 2. */
export function legacyEventId(event: Record<string, unknown>): string {
  const { eventID: _ignored, ...content } = event;
  return `ni:///sha-256;${sha256Hex(canonicalJson(content))}?ver=CBV2.0`;
}

/**
 * CBV 2.0 hashes `matchesEventId` computed, by event object: the cloud's EPCIS repository stores each event's
 * hash as its content hash, and hashing is ~15 µs an event. Keyed weakly by the object, so an entry lives as long
 * as the validated document does; the hash is under that document's `@context`, and validated events are not
 * modified afterwards (a copy made for storage is a new object, not found here).
 */
const computedCbvHashes = new WeakMap<object, string>();

/** The CBV 2.0 hash `matchesEventId` computed for this very object, if it did. */
export function computedCbvHash(event: object): string | undefined {
  return computedCbvHashes.get(event);
}

/** True when `event.eventID` is its CBV 2.0 hash or (ids made before wave 2) its legacy hash. */
export function matchesEventId(event: Record<string, unknown> & { eventID: string }, context?: unknown): boolean {
  return matchesUnder(event, context === undefined ? STOCKWIRE_NAMESPACES : namespacesOfContext(context));
}

function matchesUnder(event: Record<string, unknown> & { eventID: string }, namespaces: NamespaceMap): boolean {
  const hash = cbvEventHash(event, namespaces);
  computedCbvHashes.set(event, hash);
  return event.eventID === hash || event.eventID === legacyEventId(event);
}

/** The first event of a document whose id is not its content's, with the id it should have; none when all match. */
export interface EventIdMismatch {
  eventId: string;
  expected: string;
}

/**
 * `matchesEventId` for every event of one document, reading the document's `@context` once (not once per event).
 * Every id is still recomputed from its event's content.
 */
export function verifyEventIds(document: {
  '@context': unknown;
  epcisBody: { eventList: ReadonlyArray<Record<string, unknown> & { eventID: string }> };
}): EventIdMismatch | undefined {
  const namespaces = namespacesOfContext(document['@context']);
  for (const event of document.epcisBody.eventList) {
    // The CBV 2.0 hash, or the wave-1 id that gateways not yet upgraded still send.
    if (!matchesUnder(event, namespaces)) return { eventId: event.eventID, expected: computedCbvHashes.get(event)! };
  }
  return undefined;
}

/** Stamps `eventID` onto an event built without one. */
export function withEventId<T extends Record<string, unknown>>(event: T): T & { eventID: string } {
  return { ...event, eventID: deterministicEventId(event) };
}
