import { z } from 'zod';

export const ForecastConfigSchema = z
  .object({
    /** Smoothing factor of simple exponential smoothing: higher reacts faster, lower is steadier. */
    alpha: z.number().gt(0).lte(1).default(0.3),
    /** Days of sales history read per product × site (complete UTC days before today). */
    historyDays: z.number().int().positive().max(3_650).default(56),
    /** The initial level is the mean of this many first days (less noisy than the first day alone). */
    initialDays: z.number().int().positive().default(7),
    /** Forecasts are recomputed at most this often (they read the sales history). */
    cacheTtlMs: z.number().int().nonnegative().default(60_000),
    /** Product × site pairs forecast by `forecastAll` (bounded work per request). */
    forecastsMax: z.number().int().positive().default(1_000),
  })
  .strict();
export type ForecastConfig = z.infer<typeof ForecastConfigSchema>;
