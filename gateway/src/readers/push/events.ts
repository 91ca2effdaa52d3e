/**
 * What a reader that pushes JSON says, once its vendor shape is parsed: tag reads,
 * GPI changes, antenna and buffer conditions. Both JSON parsers (Impinj IoT Device
 * Interface, Zebra IoT Connector) return these, so the drivers share one handler.
 * A parser never throws: anything it cannot use comes back as `bad` with a reason.
 */
export type PushEvent =
  | {
      kind: 'tag';
      /** EPC bank as upper-case hex. */
      epcHex: string;
      antenna: number;
      rssiDbm: number;
      /** The reader's own clock, epoch ms, or null when absent or unparsable (used only for skew and ordering). */
      readerTimeMs: number | null;
      /** Reads the reader folded into this event (Zebra `reads`); 1 when not said. */
      readCount: number;
    }
  | { kind: 'gpi'; port: number; state: boolean; readerTimeMs: number | null }
  | { kind: 'antenna'; port: number; connected: boolean }
  | { kind: 'overflow'; detail: string }
  /** Well-formed but of no use to the gateway (inventory status, heartbeats, unknown event types). */
  | { kind: 'ignored'; eventType: string }
  | { kind: 'bad'; reason: string };

/** Longest EPC bank we accept: 496 bits (the Gen2 maximum), i.e. 124 hex digits, as RawRead allows. */
export const EPC_HEX_DIGITS_MAX = 124;
/** Shortest: one 16-bit word. */
export const EPC_HEX_DIGITS_MIN = 4;

const HEX = /^[0-9A-Fa-f]+$/;

/** Normalises an EPC hex string, or returns null when it is not one (odd length, not hex, out of range). */
export function normaliseEpcHex(hex: string): string | null {
  if (hex.length < EPC_HEX_DIGITS_MIN || hex.length > EPC_HEX_DIGITS_MAX || hex.length % 2 !== 0) return null;
  return HEX.test(hex) ? hex.toUpperCase() : null;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Impinj sends `epc` as base64url (RFC 4648 §5) by default; `epcHex` only when enabled. */
export function base64UrlToHex(text: string): string | null {
  if (text.length === 0 || text.length > 200 || !BASE64URL.test(text)) return null;
  const bytes = Buffer.from(text.replace(/=+$/, ''), 'base64url');
  return normaliseEpcHex(bytes.toString('hex'));
}

/** ISO 8601 → epoch ms, or null (reader clocks are often unset; the time is only a hint). */
export function readerTimeMs(text: string | undefined): number | null {
  if (text === undefined) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Parses a JSON text without throwing; bodies longer than `bytesMax` are refused unparsed. */
export function parseJsonSafely(
  text: string,
  bytesMax: number,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (text.length > bytesMax) return { ok: false, reason: `JSON longer than ${bytesMax} bytes` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message.slice(0, 80) : 'parse error'}` };
  }
}

/** Events per message looked at (a batch array); the rest are cut and counted as one bad event. */
export const EVENTS_PER_MESSAGE_MAX = 10_000;

/** One message that is an event object or a batch array of them → parsed events (bounded). */
export function parseEventMessage(value: unknown, parseEvent: (event: unknown) => PushEvent): PushEvent[] {
  if (!Array.isArray(value)) return [parseEvent(value)];
  const events = value.slice(0, EVENTS_PER_MESSAGE_MAX).map(parseEvent);
  if (value.length > EVENTS_PER_MESSAGE_MAX)
    events.push({ kind: 'bad', reason: `batch of ${value.length} events cut at ${EVENTS_PER_MESSAGE_MAX}` });
  return events;
}
