import { z } from 'zod';

export const DashboardConfigSchema = z
  .object({
    /** Serve the dashboard at all. */
    enabled: z.boolean().default(true),
    /** URL prefix of the page, its assets, events and JSON API. */
    basePath: z
      .string()
      .regex(/^\/[a-z0-9/_-]*[a-z0-9_-]$/, 'expected a path such as /dashboard')
      .default('/dashboard'),
    /** Browsers connected to the live stream at once; more get 503 (each holds a socket). */
    sseClientsMax: z.number().int().positive().default(100),
    /** A browser that falls this far behind (bytes queued) is disconnected; it reconnects and reloads state. */
    sseBacklogBytesMax: z.number().int().positive().default(1_048_576),
    /** Comment line sent this often so proxies keep the stream open. */
    sseHeartbeatMs: z.number().int().positive().default(15_000),
    /** Recent movements kept for the feed. */
    movementsMax: z.number().int().positive().default(200),
    /** Stock-level points kept per product × location for the chart (long ranges: Grafana). */
    historyPointsMax: z.number().int().positive().default(500),
    /** Product × location series kept for the chart; the least recently changed is evicted. */
    historySeriesMax: z.number().int().positive().default(5_000),
    /**
     * A simulator truth file (`stockwire-sim … --truth-out`) this cloud's ledger is measured against for
     * the accuracy tile (docs/accuracy.md); relative paths resolve from the config file. Unset: the tile
     * shows only a measurement attached by the process (the demo attaches its replay).
     */
    accuracyTruthFile: z.string().min(1).max(4096).optional(),
    /** How often the tile re-measures the ledger against the truth file (at most; on page load). */
    accuracyRefreshMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
  })
  .strict();
export type DashboardConfig = z.infer<typeof DashboardConfigSchema>;
