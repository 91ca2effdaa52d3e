import { z } from 'zod';
import { normaliseEpcHex, parseEventMessage, readerTimeMs, type PushEvent } from '../push/events.js';

/**
 * Zebra IoT Connector events (FX7500/FX9600/ATR7000): data events arrive as one
 * object or, when the reader batches, an array of them; management events (GPI,
 * heartbeats, errors) use the same `{type, timestamp, data}` envelope. Unknown
 * vendor fields are allowed; the fields we use are checked for type and range.
 */
export const ZebraTagDataSchema = z.object({
  idHex: z.string().max(200),
  antenna: z.number().int().min(0).max(255),
  /** Peak RSSI in dBm (the connector already converts). */
  peakRssi: z.number().min(-150).max(20),
  /** Reads of the tag folded into this event (tag-reporting "reads" field; 1 when absent). */
  reads: z.number().int().min(1).max(1_000_000).optional(),
  eventNum: z.number().int().nonnegative().optional(),
});

export const ZebraGpiDataSchema = z.object({
  pin: z.number().int().min(1).max(16),
  state: z.enum(['HIGH', 'LOW', 'high', 'low']),
});

export const ZebraEventSchema = z.object({
  type: z.string().max(64).optional(),
  timestamp: z.string().max(64).optional(),
  data: z.record(z.unknown()),
});

/** One event object (already JSON-parsed) → what the gateway needs from it. */
export function parseZebraEvent(value: unknown): PushEvent {
  const envelope = ZebraEventSchema.safeParse(value);
  if (!envelope.success) return { kind: 'bad', reason: 'not a Zebra IoT Connector event ({type, timestamp, data})' };
  const { type, timestamp, data } = envelope.data;
  const timeMs = readerTimeMs(timestamp);
  if (type === 'GPI' || ('pin' in data && 'state' in data)) {
    const gpi = ZebraGpiDataSchema.safeParse(data);
    if (!gpi.success) return { kind: 'bad', reason: 'GPI event without a valid pin and state' };
    return { kind: 'gpi', port: gpi.data.pin, state: gpi.data.state.toUpperCase() === 'HIGH', readerTimeMs: timeMs };
  }
  if (!('idHex' in data)) return { kind: 'ignored', eventType: type ?? 'unknown' };
  const tag = ZebraTagDataSchema.safeParse(data);
  if (!tag.success) return { kind: 'bad', reason: 'data event without idHex/antenna/peakRssi in range' };
  const hex = normaliseEpcHex(tag.data.idHex);
  if (hex === null) return { kind: 'bad', reason: 'data event idHex is not an EPC in hex' };
  return {
    kind: 'tag',
    epcHex: hex,
    antenna: tag.data.antenna,
    rssiDbm: tag.data.peakRssi,
    readerTimeMs: timeMs,
    readCount: tag.data.reads ?? 1,
  };
}

/** One MQTT payload: an object or a batch array → events (a batch past EVENTS_PER_MESSAGE_MAX is cut, counted bad). */
export function parseZebraMessage(value: unknown): PushEvent[] {
  return parseEventMessage(value, parseZebraEvent);
}
