/**
 * When to pet the systemd watchdog: only while real progress is made. The
 * daemon's tick must have run recently (the event loop is alive and the engine
 * is being driven) and no reader may have been down longer than allowed (a
 * wedged reader loop gets the service restarted). Pure: takes `nowMs`.
 */
export interface WatchdogInput {
  nowMs: number;
  lastTickMs: number;
  tickIntervalMs: number;
  /** Per reader: since when it has been disconnected, or null if connected. */
  readersDownSinceMs: readonly (number | null)[];
  /** 0 disables the reader check. */
  readerDownMaxMs: number;
}

/** A tick later than this many intervals means the loop is stalled. */
export const TICK_LATE_FACTOR = 4;

export type WatchdogVerdict = { healthy: true } | { healthy: false; reason: string };

export function watchdogVerdict(input: WatchdogInput): WatchdogVerdict {
  const tickAgeMs = input.nowMs - input.lastTickMs;
  if (tickAgeMs > input.tickIntervalMs * TICK_LATE_FACTOR)
    return { healthy: false, reason: `loop stalled: last tick ${tickAgeMs} ms ago` };
  if (input.readerDownMaxMs > 0) {
    const downMs = input.readersDownSinceMs.map((since) => (since === null ? 0 : input.nowMs - since));
    const worstMs = Math.max(0, ...downMs);
    if (worstMs > input.readerDownMaxMs) return { healthy: false, reason: `a reader has been down for ${worstMs} ms` };
  }
  return { healthy: true };
}
