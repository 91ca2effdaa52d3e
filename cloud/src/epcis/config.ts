import { z } from 'zod';

/** Forwarding of every stored event to an external EPCIS 2.0 capture interface (optional). */
export const EpcisForwardConfigSchema = z
  .object({
    /** Base URL of the external repository; documents go to `<url>/capture`. */
    url: z.string().url(),
    /** Bearer token for the external repository (never logged). */
    token: z.string().min(1).optional(),
    /** Events per forwarded document. */
    batchEventsMax: z.number().int().min(1).max(10_000).default(100),
    /** Pause between outbox polls while nothing is due. */
    pollIntervalMs: z.number().int().min(10).max(600_000).default(1_000),
    /** Per-request timeout; a timeout is a failure, retried. */
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Retry backoff (shared/src/backoff.ts): first delay and ceiling. */
    retryInitialDelayMs: z.number().int().min(1).max(600_000).default(500),
    retryDelayMsMax: z.number().int().min(1).max(3_600_000).default(60_000),
  })
  .strict();

export const EpcisConfigSchema = z
  .object({
    /** Events per capture document: advertised as GS1-EPCIS-Capture-Limit; above it → 413. */
    captureEventsMax: z.number().int().min(1).max(100_000).default(1_000),
    /** Bytes per capture request: advertised as GS1-EPCIS-Capture-File-Size-Limit; above it → 413. */
    captureBytesMax: z
      .number()
      .int()
      .min(1_024)
      .max(256 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** Capture jobs (and single-event captures) waiting at once; above it → 503 with Retry-After (bounds memory). */
    captureQueueMax: z.number().int().min(1).max(10_000).default(32),
    /** Capture jobs kept in the store (the oldest are deleted as new ones start). */
    jobsKeptMax: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Capture jobs listed by GET /capture, most recent first. */
    jobsListedMax: z.number().int().min(1).max(10_000).default(100),
    forward: EpcisForwardConfigSchema.optional(),
  })
  .strict();

export type EpcisConfig = z.output<typeof EpcisConfigSchema>;
export type EpcisForwardConfig = z.output<typeof EpcisForwardConfigSchema>;
