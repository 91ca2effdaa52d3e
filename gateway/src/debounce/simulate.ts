import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { BeamInput } from './beams.js';
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

  /**
   * @param progressiveMs after a gap in the reads, how long ticks keep their
   * cadence before the clock jumps to the next read: long enough for every pass to
   * go quiet (the largest stableSetMs), after which nothing but shelf rounds can
   * happen, and tickShelf closes those itself. A capture with a read stamped
   * years off therefore costs a few thousand ticks, not billions.
   */
  constructor(
    private readonly engine: DebounceEngine,
    private readonly tickIntervalMs: number,
    private readonly emit: (events: readonly EpcisEvent[]) => void,
    private readonly progressiveMs: number = 600_000,
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

  /** A photo-eye change from a capture, at its time on the same simulated clock as the reads. */
  beam(beam: BeamInput): void {
    if (this.nowMs === null) {
      this.nowMs = beam.time;
      this.nextTickMs = (Math.floor(beam.time / this.tickIntervalMs) + 1) * this.tickIntervalMs;
    }
    this.advanceTo(beam.time);
    this.engine.ingestBeam(beam, this.nowMs);
  }

  /** Ticks up to targetMs (reads never move the clock backwards). */
  advanceTo(targetMs: number): void {
    if (this.nowMs === null) return;
    const progressiveUntilMs = this.nextTickMs + this.progressiveMs;
    while (this.nextTickMs <= targetMs) {
      if (this.nextTickMs > progressiveUntilMs) {
        // Nothing is read in the gap: jump the grid to its last point before the target.
        this.nextTickMs += Math.floor((targetMs - this.nextTickMs) / this.tickIntervalMs) * this.tickIntervalMs;
      }
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

/** Cadence kept through a gap in the reads: every pass has gone quiet by then. */
export function progressiveAfterGapMs(config: DebounceConfig): number {
  return (
    config.portals.reduce((longest, portal) => Math.max(longest, portal.stableSetMs), 0) + 2 * config.tickIntervalMs
  );
}

/** How long after the last read a replay keeps ticking: one round of the slowest shelf. */
export function drainAfterLastReadMs(config: DebounceConfig): number {
  return config.shelves.reduce((longest, shelf) => Math.max(longest, shelf.roundMs), 0);
}

/** Convenience for tests and tools: all events of a run over `reads`, in output order. */
export function runReads(engine: DebounceEngine, config: DebounceConfig, reads: Iterable<RawRead>): EpcisEvent[] {
  const events: EpcisEvent[] = [];
  const run = new SimulatedRun(
    engine,
    config.tickIntervalMs,
    (batch) => {
      for (const event of batch) events.push(event);
    },
    progressiveAfterGapMs(config),
  );
  for (const read of reads) run.read(read);
  run.finish(drainAfterLastReadMs(config));
  return events;
}
