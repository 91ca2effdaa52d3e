import { z } from 'zod';

/** Watchdog policy; the watchdog period itself comes from the unit's WatchdogSec= (WATCHDOG_USEC). */
export const WatchdogConfigSchema = z
  .object({
    /** Withhold WATCHDOG=1 once a reader has been disconnected this long (0: never), so systemd restarts a wedged gateway. */
    readerDownMaxMs: z.number().int().nonnegative().default(300_000),
  })
  .strict();
export type WatchdogConfig = z.infer<typeof WatchdogConfigSchema>;
