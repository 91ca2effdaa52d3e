import { z } from 'zod';

export const ReaderHealthSchema = z
  .object({
    readerId: z.string(),
    protocol: z.string(),
    connected: z.boolean(),
    lastReadTime: z.number().int().nullable(),
    framesOk: z.number().int().nonnegative(),
    framesBad: z.number().int().nonnegative(),
    reconnects: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
    readsPerSecond: z.number().nonnegative().optional(),
    /** Optional per-antenna read rate and mean RSSI since the last status (analytics only). */
    antennas: z
      .array(
        z
          .object({
            antenna: z.number().int().nonnegative(),
            readsPerSecond: z.number().nonnegative(),
            rssiDbmMean: z.number().nullable(),
          })
          .strict(),
      )
      .optional(),
    /** Conditions true now, reported by the reader or seen by the gateway (antenna 2 disconnected, beam stuck). */
    faults: z.array(z.string().max(200)).max(32).optional(),
    /** Counters of reader-reported conditions since start (overflow, lateReads, repeatedReads, gpiEvents…). */
    counters: z.record(z.string().max(64), z.number().int().nonnegative()).optional(),
  })
  .strict();
export type ReaderHealth = z.infer<typeof ReaderHealthSchema>;

/** Retained on `stockwire/v1/<site>/<gateway>/status`; the last will sets state offline. */
export const GatewayStatusSchema = z
  .object({
    state: z.enum(['online', 'offline']),
    gatewayId: z.string(),
    siteId: z.string(),
    time: z.string(),
    version: z.string().optional(),
    readers: z.array(ReaderHealthSchema).optional(),
    outbox: z
      .object({
        depth: z.number().int().nonnegative(),
        bytes: z.number().int().nonnegative(),
        fillRatio: z.number().min(0),
        dropped: z.number().int().nonnegative(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;
