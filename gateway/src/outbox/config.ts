import { z } from 'zod';

/**
 * The durable outbox: every movement event is written here (SQLite WAL,
 * synchronous=FULL) before it is published, and removed only on PUBACK
 * (`mqtt.confirmation: puback`) or once the cloud's committed watermark covers it (`cloud`).
 */
export const OUTBOX_OVERFLOW_POLICIES = ['block', 'dropOldest'] as const;
export type OutboxOverflowPolicy = (typeof OUTBOX_OVERFLOW_POLICIES)[number];

export const OutboxConfigSchema = z
  .object({
    /** SQLite file; its directory must be writable (systemd: ReadWritePaths=). */
    path: z.string().min(1).default('var/gateway-outbox.sqlite'),
    /** Bound on stored events. */
    eventsMax: z.number().int().positive().default(1_000_000),
    /** Bound on stored payload bytes (events' JSON). 256 MiB fits a small SD card partition. */
    bytesMax: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
    /**
     * What happens at the bound. `block` (default) never drops a stored event: the
     * daemon pauses reader inventory until the outbox drains below `warnFillRatio`.
     * `dropOldest` deletes the oldest events to make room and counts them.
     */
    overflowPolicy: z.enum(OUTBOX_OVERFLOW_POLICIES).default('block'),
    /** Above this fill ratio the status reports it and the daemon logs a warning. */
    warnFillRatio: z.number().min(0.05).max(1).default(0.8),
  })
  .strict();
export type OutboxConfig = z.infer<typeof OutboxConfigSchema>;
