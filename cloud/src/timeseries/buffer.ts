import { backoffDelayMs } from '../../../shared/src/backoff.js';
import type { TimeseriesPoint } from './points.js';

/**
 * A bounded FIFO of points waiting for InfluxDB. When full, the OLDEST points are
 * dropped (recent data is worth more on a live dashboard) and counted, never silently.
 * No timers, no I/O: the sink drives it.
 */
export class PointBuffer {
  private points: TimeseriesPoint[] = [];
  private droppedTotal = 0;

  constructor(readonly pointsMax: number) {}

  get size(): number {
    return this.points.length;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Appends; returns how many old points had to be dropped to stay within `pointsMax`. */
  push(points: readonly TimeseriesPoint[]): number {
    for (const point of points) this.points.push(point);
    return this.trim();
  }

  /** Puts a failed batch back at the front so order is kept; returns how many were dropped. */
  unshift(points: readonly TimeseriesPoint[]): number {
    this.points = [...points, ...this.points];
    return this.trim();
  }

  /** Removes and returns up to `countMax` points from the front. */
  take(countMax: number): TimeseriesPoint[] {
    return this.points.splice(0, countMax);
  }

  /** Counts points lost outside the buffer (a batch abandoned after its retries). */
  countLost(count: number): void {
    this.droppedTotal += count;
  }

  clear(): number {
    const count = this.points.length;
    this.points = [];
    return count;
  }

  private trim(): number {
    const excess = this.points.length - this.pointsMax;
    if (excess <= 0) return 0;
    this.points.splice(0, excess);
    this.droppedTotal += excess;
    return excess;
  }
}

/**
 * Delay after `consecutiveFailures` failed writes: min × 2^(failures−1), capped, without jitter (one
 * cloud process, no herd to spread; deterministic so tests can step a clock). The shared backoff does the math.
 */
export function retryDelayMs(consecutiveFailures: number, delayMinMs: number, delayMaxMs: number): number {
  if (consecutiveFailures <= 0) return 0;
  const policy = { initialDelayMs: delayMinMs, maxDelayMs: delayMaxMs, multiplier: 2, jitterRatio: 0 };
  return backoffDelayMs(policy, consecutiveFailures - 1, 0);
}
