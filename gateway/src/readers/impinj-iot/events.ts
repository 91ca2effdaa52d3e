import { z } from 'zod';
import { base64UrlToHex, normaliseEpcHex, readerTimeMs, type PushEvent } from '../push/events.js';

/**
 * Impinj IoT Device Interface events (R700/R660, firmware 7.x+): the objects the
 * reader writes to `GET /api/v1/data/stream` (one per line), publishes over MQTT
 * or POSTs to a webhook. Each event names its kind in `eventType` and carries the
 * details under `<eventType>Event`. Unknown vendor fields are allowed (firmware adds
 * them); the fields we use are checked strictly for type and range.
 */
const AntennaPort = z.number().int().min(1).max(255);

export const ImpinjTagInventorySchema = z.object({
  /** EPC bank, base64url (RFC 4648 §5): the default output. */
  epc: z.string().max(200).optional(),
  /** EPC bank as hex: only when the preset enables `epcHex`. */
  epcHex: z.string().max(200).optional(),
  antennaPort: AntennaPort,
  /** Peak RSSI in centi-dBm (dBm × 100). */
  peakRssiCdbm: z.number().int().min(-15_000).max(2_000),
});

export const ImpinjGpiTransitionSchema = z.object({
  gpi: z.number().int().min(1).max(16),
  transition: z.enum(['high-to-low', 'low-to-high']),
});

const AntennaEventSchema = z.object({ antennaPort: AntennaPort });

export const ImpinjEventSchema = z.object({
  timestamp: z.string().max(64).optional(),
  hostname: z.string().max(255).optional(),
  eventType: z.string().max(64).optional(),
  tagInventoryEvent: z.unknown().optional(),
  gpiTransitionEvent: z.unknown().optional(),
  antennaConnectedEvent: z.unknown().optional(),
  antennaDisconnectedEvent: z.unknown().optional(),
  overflowEvent: z.unknown().optional(),
});
export type ImpinjEvent = z.infer<typeof ImpinjEventSchema>;

/** One decoded Impinj event object (already JSON-parsed) → what the gateway needs from it. */
export function parseImpinjEvent(value: unknown): PushEvent {
  const envelope = ImpinjEventSchema.safeParse(value);
  if (!envelope.success) return { kind: 'bad', reason: 'not an Impinj event object' };
  const event = envelope.data;
  const timeMs = readerTimeMs(event.timestamp);
  if (event.tagInventoryEvent !== undefined) return parseTag(event.tagInventoryEvent, timeMs);
  if (event.gpiTransitionEvent !== undefined) {
    const gpi = ImpinjGpiTransitionSchema.safeParse(event.gpiTransitionEvent);
    if (!gpi.success) return { kind: 'bad', reason: 'gpiTransitionEvent without a valid gpi and transition' };
    return { kind: 'gpi', port: gpi.data.gpi, state: gpi.data.transition === 'low-to-high', readerTimeMs: timeMs };
  }
  for (const [key, connected] of [
    ['antennaConnectedEvent', true],
    ['antennaDisconnectedEvent', false],
  ] as const) {
    if (event[key] === undefined) continue;
    const antenna = AntennaEventSchema.safeParse(event[key]);
    if (!antenna.success) return { kind: 'bad', reason: `${key} without a valid antennaPort` };
    return { kind: 'antenna', port: antenna.data.antennaPort, connected };
  }
  if (event.overflowEvent !== undefined) return { kind: 'overflow', detail: 'reader reported overflowEvent' };
  return { kind: 'ignored', eventType: event.eventType ?? 'unknown' };
}

function parseTag(details: unknown, timeMs: number | null): PushEvent {
  const tag = ImpinjTagInventorySchema.safeParse(details);
  if (!tag.success) return { kind: 'bad', reason: 'tagInventoryEvent without antennaPort/peakRssiCdbm in range' };
  const { epc, epcHex, antennaPort, peakRssiCdbm } = tag.data;
  const hex = epcHex !== undefined ? normaliseEpcHex(epcHex) : epc !== undefined ? base64UrlToHex(epc) : null;
  if (hex === null) return { kind: 'bad', reason: 'tagInventoryEvent without a valid epc (base64url) or epcHex' };
  return {
    kind: 'tag',
    epcHex: hex,
    antenna: antennaPort,
    rssiDbm: peakRssiCdbm / 100,
    readerTimeMs: timeMs,
    readCount: 1,
  };
}
