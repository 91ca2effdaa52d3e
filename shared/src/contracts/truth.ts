import { z } from 'zod';
import { isoTimeSchema } from './iso-time.js';

/**
 * The physical truth a simulator records beside the reads it generates: one JSONL
 * line per physical event, saying where one serialised thing is after it. The
 * accuracy measurement (`stockwire-cloud accuracy`) compares the ledger with it.
 *
 * `location` is the ledger location id where the thing physically is after the
 * event (`urn:stockwire:loc:<site>:<zone>`), or null once it has left the stock of
 * every location (paid for, stolen, damaged out, shipped away, taken by a shopper).
 */
export const TRUTH_EVENTS = [
  'arrive',
  'unpack',
  'shelve',
  'take',
  'pay',
  'steal',
  'misplace',
  'damage',
  'return',
  'ship',
  'short-ship',
] as const;
export type TruthEvent = (typeof TRUTH_EVENTS)[number];

/** Events after which the thing is gone from the books' stock for good reasons (sold or shipped). */
export const TRUTH_EVENTS_SHRINK: readonly TruthEvent[] = ['steal', 'damage'];

export const TruthRecordSchema = z
  .object({
    time: isoTimeSchema(),
    event: z.enum(TRUTH_EVENTS),
    /** Pure identity URI (urn:epc:id:sgtin:… / sscc:…), as the ledger keys EPCs. */
    epc: z.string().regex(/^urn:epc:id:[a-z0-9]+:[A-Za-z0-9.%*_-]+$/),
    /** GTIN-14 of the thing (null for a pallet SSCC). */
    product: z
      .string()
      .regex(/^\d{14}$/)
      .nullable(),
    location: z.string().min(1).max(200).nullable(),
  })
  .strict();
export type TruthRecord = z.infer<typeof TruthRecordSchema>;

/** The first line of a truth file: which run it describes. */
export const TruthHeaderSchema = z
  .object({
    truth: z.literal('stockwire/truth/v1'),
    scenario: z.string().min(1),
    seed: z.number().int(),
    startTime: isoTimeSchema(),
  })
  .strict();
export type TruthHeader = z.infer<typeof TruthHeaderSchema>;

/** Ledger location id of a zone of a site, by the catalogue's naming convention. */
export function zoneLocation(siteId: string, zone: string): string {
  return `urn:stockwire:loc:${siteId}:${zone}`;
}
