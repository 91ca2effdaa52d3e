import { z } from 'zod';

/**
 * One raw tag read as a reader driver hands it to the debounce engine.
 * Drivers normalise units before this point: RSSI in dBm, time in epoch ms
 * (readers report dBm, dBm×10 or dBm×100, and their clocks drift).
 */
export const RawReadSchema = z
  .object({
    /** EPC bank contents as upper-case hex (PC word and CRC excluded). */
    epc: z
      .string()
      .min(4)
      .max(124)
      .regex(/^[0-9A-Fa-f]+$/, 'epc must be hex digits')
      .transform((hex) => hex.toUpperCase()),
    /** 1-based antenna port on the reader. */
    antenna: z.number().int().min(0).max(255),
    /** Received signal strength in dBm (typically −90 … −20). */
    rssi: z.number().min(-150).max(20),
    /** Read time in epoch milliseconds, normalised to the gateway clock. */
    time: z.number().int().nonnegative(),
    /** Configured reader id. */
    reader: z.string().min(1).max(64),
  })
  .strict();

export type RawRead = z.infer<typeof RawReadSchema>;
