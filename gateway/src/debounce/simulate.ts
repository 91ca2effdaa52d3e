import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { DebounceConfig } from './config.js';
import type { DebounceEngine } from './engine.js';

/**
 * Drives an engine on a simulated clock from the read times, as the daemon's
 * loop would in real time: ticks on a fixed grid (multiples of tickIntervalMs),
 * each read ingested once the clock reaches it. Used by replay and the tests.
 */
export class SimulatedRun {
  private nowMs: number | null = null;
  private nextTickMs = 0;
  private lastReadMs = -Infinity;

  constructor(
    private readonly engine: DebounceEngine,
    private readonly tickIntervalMs: number,
    private readonly emit: (events: readonly EpcisEvent[]) => void,
  ) {}

  read(read: RawRead): void {
    if (this.nowMs === null) {
      this.nowMs = read.time;
      this.nextTickMs = (Math.floor(read.time / this.tickIntervalMs) + 1) * this.tickIntervalMs;
    }
    this.advanceTo(read.time);
    this.emit(this.engine.ingest(read, this.nowMs));
    this.lastReadMs = Math.max(this.lastReadMs, read.time);
  }

  /** Ticks up to targetMs (reads never move the clock backwards). */
  advanceTo(targetMs: number): void {
    if (this.nowMs === null) return;
    while (this.nextTickMs <= targetMs) {
      this.nowMs = this.nextTickMs;
      this.emit(this.engine.tick(this.nowMs));
      this.nextTickMs += this.tickIntervalMs;
    }
    if (targetMs > this.nowMs) this.nowMs = targetMs;
  }

  /**
   * End of input: lets the last shelf round close (a capture ending is not the
   * shelf emptying, so no further rounds run), then flushes every open pass.
   */
  finish(drainMs: number): void {
    if (this.nowMs === null) return;
    const endMs = this.lastReadMs + drainMs;
    this.advanceTo(endMs);
    this.emit(this.engine.flush(Math.max(this.nowMs, endMs)));
  }
}

/** How long after the last read a replay keeps ticking: one round of the slowest shelf. */
export function drainAfterLastReadMs(config: DebounceConfig): number {
  return config.shelves.reduce((longest, shelf) => Math.max(longest, shelf.roundMs), 0);
}

/** Convenience for tests and tools: all events of a run over `reads`, in output order. */
export function runReads(engine: DebounceEngine, config: DebounceConfig, reads: Iterable<RawRead>): EpcisEvent[] {
  const events: EpcisEvent[] = [];
  const run = new SimulatedRun(engine, config.tickIntervalMs, (batch) => {
    for (const event of batch) events.push(event);
  });
  for (const read of reads) run.read(read);
  run.finish(drainAfterLastReadMs(config));
  return events;
}
