import type { TimerHandle } from '../../../shared/src/clock.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import { generateScenarioRun, type ScenarioRun, type SimulatedRead } from '../scenario/engine.js';
import { loadScenarioFile, parseScenario, resolveScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { BaseReaderDriver, type DriverDeps } from '../../../gateway/src/readers/base.js';
import type { SimulatedReaderConfig } from '../../../gateway/src/readers/config.js';
import { ReaderErrors } from '../../../gateway/src/readers/errors.js';

/**
 * A reader that plays a seeded scenario in real time on the injected clock, so the
 * unchanged daemon can run without hardware (and tests can step a ManualClock).
 * The pallet keeps moving while the "link" is down: reads during an outage are lost,
 * exactly as with an unplugged reader. Scenario outages drop the link and make
 * reconnect attempts fail until they end.
 */
export class SimulatedReaderDriver extends BaseReaderDriver {
  private scenario: Scenario | null = null;
  private scenarioReaderId = '';
  private run: ScenarioRun | null = null;
  private loopIndex = 0;
  private loopStartMs = 0;
  private nextReadIndex = 0;
  private timer: TimerHandle | null = null;
  private linkOpen = false;
  private playing = false;

  constructor(
    private readonly config: SimulatedReaderConfig,
    deps: DriverDeps,
  ) {
    super(config.id, 'simulated', config.reconnect, config.rssiOffsetDbm, deps);
  }

  protected async openLink(): Promise<void> {
    this.loadScenario();
    if (this.playing && this.inOutage(this.deps.clock.nowMs()))
      throw new Error('simulated reader is unplugged (scenario outage)');
    this.linkOpen = true;
  }

  protected async closeLink(): Promise<void> {
    this.linkOpen = false;
  }

  protected async startInventory(): Promise<void> {
    // Playback starts once and runs on the scenario's own time, independent of the link.
    if (this.playing) return;
    this.playing = true;
    this.beginLoop(0, this.deps.clock.nowMs());
  }

  protected async stopInventory(): Promise<void> {
    this.playing = false;
    this.timer?.cancel();
    this.timer = null;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.stopInventory();
  }

  /** The run being played (for tests and the demo's expected results). */
  currentRun(): { run: ScenarioRun; loopStartMs: number } | null {
    return this.run ? { run: this.run, loopStartMs: this.loopStartMs } : null;
  }

  private loadScenario(): void {
    if (this.scenario) return;
    try {
      this.scenario =
        typeof this.config.scenario === 'string'
          ? loadScenarioFile(resolveScenarioFile(this.config.scenario))
          : parseScenario(this.config.scenario);
    } catch (error) {
      throw makeError(ReaderErrors.SCENARIO, { readerId: this.readerId, reason: errorMessage(error) }, error);
    }
    const wanted = this.config.scenarioReaderId ?? this.readerId;
    const reader =
      this.scenario.readers.find((candidate) => candidate.id === wanted) ??
      (this.config.scenarioReaderId ? undefined : this.scenario.readers[0]);
    if (!reader)
      throw makeError(ReaderErrors.SCENARIO, { readerId: this.readerId, reason: `scenario has no reader "${wanted}"` });
    this.scenarioReaderId = reader.id;
  }

  private scaledMs(offsetMs: number): number {
    return offsetMs / this.config.speed;
  }

  private inOutage(nowMs: number): boolean {
    if (!this.run) return false;
    const offsetMs = (nowMs - this.loopStartMs) * this.config.speed;
    return this.run.outages.some(
      (outage) => outage.readerId === this.scenarioReaderId && offsetMs >= outage.fromMs && offsetMs < outage.toMs,
    );
  }

  private beginLoop(loopIndex: number, startMs: number): void {
    if (!this.scenario) return;
    this.loopIndex = loopIndex;
    this.loopStartMs = startMs;
    const run = generateScenarioRun(this.scenario, { seed: this.config.seed, loopIndex });
    this.run = { ...run, reads: run.reads.filter((read) => read.readerId === this.scenarioReaderId) };
    this.nextReadIndex = 0;
    this.scheduleNext();
  }

  /** Next wake-up: the next read, the next outage edge, or the end of the loop, whichever is first. */
  private scheduleNext(): void {
    const run = this.run;
    if (!run || !this.playing) return;
    const nowMs = this.deps.clock.nowMs();
    const candidatesMs: number[] = [this.loopStartMs + this.scaledMs(run.durationMs)];
    const next: SimulatedRead | undefined = run.reads[this.nextReadIndex];
    if (next) candidatesMs.push(this.loopStartMs + this.scaledMs(next.offsetMs));
    for (const outage of run.outages) {
      if (outage.readerId !== this.scenarioReaderId) continue;
      for (const edgeMs of [outage.fromMs, outage.toMs]) {
        const atMs = this.loopStartMs + this.scaledMs(edgeMs);
        if (atMs > nowMs) candidatesMs.push(atMs);
      }
    }
    const dueMs = Math.min(...candidatesMs);
    this.timer = this.deps.clock.setTimeout(() => this.tick(), Math.max(0, Math.ceil(dueMs - nowMs)));
  }

  private tick(): void {
    this.timer = null;
    const run = this.run;
    if (!run || !this.playing) return;
    const nowMs = this.deps.clock.nowMs();
    const offsetMs = (nowMs - this.loopStartMs) * this.config.speed;
    if (this.inOutage(nowMs)) this.linkLost(new Error('simulated reader unplugged (scenario outage)'));
    while (this.nextReadIndex < run.reads.length) {
      const read = run.reads[this.nextReadIndex];
      if (!read || read.offsetMs > offsetMs) break;
      this.nextReadIndex++;
      if (!this.linkOpen || !this.isConnected) continue; // lost on the wire
      this.countFrameOk();
      this.emitRead(read.epc, read.antenna, read.rssiDbm);
    }
    if (offsetMs >= run.durationMs) {
      if (!this.config.loop) {
        this.playing = false;
        return;
      }
      this.beginLoop(this.loopIndex + 1, this.loopStartMs + this.scaledMs(run.durationMs));
      return;
    }
    this.scheduleNext();
  }
}
