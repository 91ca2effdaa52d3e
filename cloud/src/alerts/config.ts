import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM (00:00–24:00)');

/** When readers are expected to see tags; outside these hours silence is not a fault. */
export const OperatingHoursSchema = z
  .object({
    /** IANA time zone the hours are given in. */
    timeZone: z.string().default('UTC'),
    /** Local opening time, HH:MM. */
    start: clockTime.default('00:00'),
    /** Local closing time, HH:MM; `24:00` = midnight. If end < start the window spans midnight. */
    end: clockTime.default('24:00'),
    /** Days of the week the hours apply to, 0 = Sunday … 6 = Saturday. */
    days: z.array(z.number().int().min(0).max(6)).default([0, 1, 2, 3, 4, 5, 6]),
  })
  .strict()
  .refine((hours) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone });
      return true;
    } catch {
      return false;
    }
  }, 'unknown IANA time zone');
export type OperatingHours = z.infer<typeof OperatingHoursSchema>;

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal string such as "2" or "0.5"');

export const AlertsConfigSchema = z
  .object({
    /** Master switch; off = no alerts are evaluated or published. */
    enabled: z.boolean().default(true),
    /** Full re-evaluation of stock alerts (low stock, ageing, overselling, missing EPCs). */
    evaluateIntervalMs: z.number().int().positive().default(60_000),
    /** After stock changes, re-evaluate this soon (coalesces bursts) so a shelf running low alerts promptly. */
    reevaluateDelayMs: z.number().int().nonnegative().default(500),
    /** Heartbeat / reader-silence checks run this often. */
    tickIntervalMs: z.number().int().positive().default(5_000),
    /** Active alerts kept and published; past it the least severe are suppressed and counted. */
    alertsMax: z.number().int().positive().default(10_000),
    /** Gateways tracked for heartbeats; further ones are ignored and counted. */
    gatewaysMax: z.number().int().positive().default(10_000),
    /** MQTT QoS of alert messages (retained). */
    qos: z.union([z.literal(0), z.literal(1)]).default(1),

    /** Low stock: compare available to the reorder point per location, or summed per site. */
    lowStockScope: z.enum(['location', 'site']).default('location'),
    /** Low stock (scope location): only locations whose id matches this regular expression (e.g. "shelf"). */
    lowStockLocationMatch: z.string().optional(),
    /**
     * Low stock (scope location): a low location whose site holds the product at locations matching this
     * regular expression (e.g. "backroom") raises `replenish_from_backroom` (a stocking move) instead of a
     * reorder; unset: every low location asks for a reorder.
     */
    replenishFromLocationMatch: z.string().optional(),

    /** Shrinkage: a count loss is ignored up to this absolute quantity … */
    shrinkageToleranceQty: decimalString.default('0'),
    /** … or up to this percentage of the book quantity, whichever is larger. */
    shrinkageTolerancePercent: z.number().nonnegative().max(100).default(0),
    /** Shrinkage: how long a count-loss alert stays raised unless a clean count clears it earlier. */
    shrinkageHoldMs: z
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3_600_000),
    /** Shrinkage: an EPC gone from its shelf longer than this without a sale is presumed lost. */
    goneMs: z
      .number()
      .int()
      .positive()
      .default(30 * 60_000),
    /** Count-loss findings remembered at once (bounded map). */
    shrinkageFindingsMax: z.number().int().positive().default(10_000),
    /** Missing EPCs listed in one alert's details (the count is always complete). */
    missingEpcSampleMax: z.number().int().nonnegative().default(5),

    /** Slow-moving: oldest FIFO layer or last outbound movement older than this. */
    slowMovingDays: z.number().positive().default(60),
    /** Obsolete: the same, past this many days (supersedes slow-moving). */
    obsoleteDays: z.number().positive().default(120),
    /** Upper bounds of the FIFO ageing buckets in days: [30, 60, 90] → 0–30, 31–60, 61–90, 90+. */
    ageingBucketsDays: z.array(z.number().int().positive()).min(1).default([30, 60, 90]),

    /** Gateway offline: the interval gateways republish their retained status at; 0 = only the last will counts. */
    heartbeatIntervalMs: z.number().int().nonnegative().default(30_000),
    /** Gateway offline after this many heartbeats in a row are missed. */
    heartbeatsMissedMax: z.number().int().positive().default(3),
    /** Reader fault: no reads for this long during operating hours; 0 = only disconnection counts. */
    readerSilenceMs: z
      .number()
      .int()
      .nonnegative()
      .default(15 * 60_000),
    /** Reader fault: when silence counts (default: always). */
    operatingHours: OperatingHoursSchema.default({}),
  })
  .strict()
  .refine((config) => config.obsoleteDays > config.slowMovingDays, {
    message: 'obsoleteDays must be greater than slowMovingDays',
    path: ['obsoleteDays'],
  })
  .refine(
    (config) => config.ageingBucketsDays.every((days, index, all) => index === 0 || days > (all[index - 1] ?? 0)),
    { message: 'ageingBucketsDays must be increasing', path: ['ageingBucketsDays'] },
  )
  .refine((config) => isRegularExpression(config.lowStockLocationMatch), {
    message: 'not a valid regular expression',
    path: ['lowStockLocationMatch'],
  })
  .refine((config) => isRegularExpression(config.replenishFromLocationMatch), {
    message: 'not a valid regular expression',
    path: ['replenishFromLocationMatch'],
  });
export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;

/** Unset, or a pattern `new RegExp` accepts. */
function isRegularExpression(pattern: string | undefined): boolean {
  if (pattern === undefined) return true;
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
