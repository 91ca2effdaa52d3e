import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { generateScenarioRun, type ScenarioRun } from '../scenario/engine.js';
import type { Scenario } from '../scenario/schema.js';

/** What a simulated reader's radio sees: the protocol simulators ask it for reads. */
export interface FieldRead {
  epc: string;
  antenna: number;
  rssiDbm: number;
}

export interface ReadSource {
  /** Reads that happened since the previous call (or, for a static field, the tags present now). */
  take(): FieldRead[];
  /** True while the scenario has this reader unplugged: the protocol simulator goes silent. */
  isUnplugged(): boolean;
  close(): void;
}

/** A fixed set of tags that answer every inventory (contract tests, bench). */
export class StaticTagSource implements ReadSource {
  private reads: FieldRead[] = [];
  unplugged = false;

  show(epcs: readonly string[], antenna = 1, rssiDbm = -60): void {
    this.reads = epcs.map((epc) => ({ epc: epc.toUpperCase(), antenna, rssiDbm }));
  }

  take(): FieldRead[] {
    return this.unplugged ? [] : [...this.reads];
  }

  isUnplugged(): boolean {
    return this.unplugged;
  }

  close(): void {
    this.reads = [];
  }
}

/** Reads buffered between two takes; past this the oldest are dropped (a reader's buffer is finite too). */
export const PENDING_READS_MAX_DEFAULT = 10_000;
/**
 * A read older than this at take time is stale: a polled reader reports the tags in the
 * field during *this* inventory, not a backlog from before anyone asked (which would
 * reach the gateway with a late receive time and blur two pallets into one pass).
 */
export const READ_AGE_MAX_MS_DEFAULT = 1_000;

/**
 * Plays one reader's share of a scenario in real time (on the given clock),
 * looping with fresh serials, and hands out the reads that have happened since
 * the last take. The protocol simulators turn them into frames.
 */
export class ScenarioReadSource implements ReadSource {
  private run: ScenarioRun | null = null;
  private loopIndex = 0;
  private loopStartMs: number;
  private nextIndex = 0;
  private pending: Array<FieldRead & { atMs: number }> = [];
  private timer: TimerHandle | null = null;
  private closed = false;
  droppedReads = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly readerId: string,
    private readonly clock: Clock,
    private readonly options: {
      seed?: number;
      loop?: boolean;
      pendingReadsMax?: number;
      readAgeMaxMs?: number;
      speed?: number;
    } = {},
  ) {
    this.loopStartMs = clock.nowMs();
    this.beginLoop(0, this.loopStartMs);
  }

  take(): FieldRead[] {
    this.advance();
    const nowMs = this.clock.nowMs();
    const ageMaxMs = this.options.readAgeMaxMs ?? READ_AGE_MAX_MS_DEFAULT;
    const fresh: FieldRead[] = [];
    for (const read of this.pending) {
      if (nowMs - read.atMs > ageMaxMs) this.droppedReads++;
      else fresh.push({ epc: read.epc, antenna: read.antenna, rssiDbm: read.rssiDbm });
    }
    this.pending = [];
    return fresh;
  }

  isUnplugged(): boolean {
    const run = this.run;
    if (!run) return false;
    const offsetMs = this.offsetNowMs();
    return run.outages.some(
      (outage) => outage.readerId === this.readerId && offsetMs >= outage.fromMs && offsetMs < outage.toMs,
    );
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
  }

  private offsetNowMs(): number {
    return (this.clock.nowMs() - this.loopStartMs) * (this.options.speed ?? 1);
  }

  private beginLoop(loopIndex: number, startMs: number): void {
    this.loopIndex = loopIndex;
    this.loopStartMs = startMs;
    const run = generateScenarioRun(this.scenario, {
      loopIndex,
      ...(this.options.seed === undefined ? {} : { seed: this.options.seed }),
    });
    this.run = { ...run, reads: run.reads.filter((read) => read.readerId === this.readerId) };
    this.nextIndex = 0;
    this.timer?.cancel();
    // Wake at the loop end so looping continues even if nobody polls for a while.
    this.timer = this.clock.setTimeout(() => this.advance(), Math.max(0, run.durationMs / (this.options.speed ?? 1)));
  }

  private advance(): void {
    if (this.closed) return;
    for (;;) {
      const run = this.run;
      if (!run) return;
      const offsetMs = this.offsetNowMs();
      while (this.nextIndex < run.reads.length) {
        const read = run.reads[this.nextIndex];
        if (!read || read.offsetMs > offsetMs) break;
        this.nextIndex++;
        this.pending.push({
          epc: read.epc,
          antenna: read.antenna,
          rssiDbm: read.rssiDbm,
          atMs: this.loopStartMs + read.offsetMs / (this.options.speed ?? 1),
        });
      }
      const pendingMax = this.options.pendingReadsMax ?? PENDING_READS_MAX_DEFAULT;
      if (this.pending.length > pendingMax) {
        this.droppedReads += this.pending.length - pendingMax;
        this.pending.splice(0, this.pending.length - pendingMax);
      }
      if (offsetMs < run.durationMs || this.options.loop === false) return;
      this.beginLoop(this.loopIndex + 1, this.loopStartMs + run.durationMs / (this.options.speed ?? 1));
    }
  }
}
