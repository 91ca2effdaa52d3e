import { createHash } from 'node:crypto';

/**
 * Deterministic event ids: the same content always yields the same id, so a
 * movement re-sent after a crash or a QoS 1 redelivery is recognised end to end.
 *
 * Form: `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920 named information, as the
 * CBV 2.0 event hash uses). The hashed text is our own canonical JSON (keys
 * sorted, `eventID` left out), not the CBV pre-hash string: simpler, and stable
 * for the events stockwire itself emits.
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
  return createHash('sha256').update(text).digest('hex');
}

export function deterministicEventId(eventWithoutId: Record<string, unknown>): string {
  const { eventID: _ignored, ...content } = eventWithoutId;
  return `ni:///sha-256;${sha256Hex(canonicalJson(content))}?ver=CBV2.0`;
}

/** Stamps `eventID` onto an event built without one. */
export function withEventId<T extends Record<string, unknown>>(event: T): T & { eventID: string } {
  return { ...event, eventID: deterministicEventId(event) };
}
