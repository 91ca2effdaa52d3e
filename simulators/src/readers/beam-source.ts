import type { Clock } from '../../../shared/src/clock.js';
import { generateBeamTimeline, type BeamChange } from '../scenario/beams.js';
import type { Scenario } from '../scenario/schema.js';

/** What a reader simulator asks for GPI changes: the beam changes since the last call. */
export interface BeamSource {
  take(): Array<{ port: number; state: boolean }>;
}

/** No beams wired (static tag sources, scenarios without `beams`). */
export const NO_BEAMS: BeamSource = { take: () => [] };

/**
 * Plays one reader's beam changes from the scenario timeline in real time on the
 * given clock, looping with the scenario (same start and speed as ScenarioReadSource).
 */
export class BeamPlayer implements BeamSource {
  private readonly changes: BeamChange[];
  private readonly startMs: number;
  private readonly loopMs: number;
  private loopIndex = 0;
  private nextIndex = 0;

  constructor(
    scenario: Scenario,
    readerId: string,
    private readonly clock: Clock,
    private readonly options: { loop?: boolean; speed?: number } = {},
  ) {
    this.changes = generateBeamTimeline(scenario).filter((change) => change.readerId === readerId);
    this.startMs = clock.nowMs();
    this.loopMs = scenario.durationSeconds * scenario.days * 1000;
  }

  take(): Array<{ port: number; state: boolean }> {
    const out: Array<{ port: number; state: boolean }> = [];
    if (this.changes.length === 0) return out;
    const elapsedMs = (this.clock.nowMs() - this.startMs) * (this.options.speed ?? 1);
    for (;;) {
      const loopOffsetMs = elapsedMs - this.loopIndex * this.loopMs;
      while (this.nextIndex < this.changes.length && (this.changes[this.nextIndex]?.offsetMs ?? 0) <= loopOffsetMs) {
        const change = this.changes[this.nextIndex++] as BeamChange;
        out.push({ port: change.port, state: change.state });
      }
      if (loopOffsetMs < this.loopMs || this.options.loop === false) return out;
      this.loopIndex++;
      this.nextIndex = 0;
    }
  }
}
