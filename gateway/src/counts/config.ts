import { z } from 'zod';

/**
 * `counts:` in the gateway config: how shelf cycle counts travel (docs/reliability.md, "Count digests").
 * With `digests: false` every count carries the shelf's whole EPC set, as before digests existed
 * (the accuracy ablation compares the two).
 */
export const CountDigestConfigSchema = z
  .object({
    /** Send counts as a digest of the EPC set plus the changes since the shelf's previous count. */
    digests: z.boolean().default(true),
    /** Every Nth count of a shelf goes out in full even when no one asked: a slow safety net. */
    fullEveryCounts: z.number().int().min(1).max(100_000).default(24),
    /** A shelf whose last full count is older than this sends its next count in full (6 h). */
    fullEveryMs: z.number().int().min(60_000).max(604_800_000).default(21_600_000),
    /** Cloud requests for the same shelf closer together than this are ignored (a runaway cloud cannot make a shelf count every round). */
    requestIntervalMinMs: z.number().int().min(0).max(86_400_000).default(10_000),
    /** Shelves whose last count is remembered; past it the least recently counted is forgotten (its next count is full). */
    shelvesTrackedMax: z.number().int().min(1).max(100_000).default(4_096),
  })
  .strict();

export type CountDigestConfig = z.infer<typeof CountDigestConfigSchema>;
