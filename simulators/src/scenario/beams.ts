import type { Scenario } from './schema.js';

/**
 * Photo-eye beams from the scenario timeline: the small interface every reader
 * simulator (Impinj IoT, Zebra IoT Connector, LLRP) uses to report GPI changes.
 * Pure: (scenario) → the beam changes of one loop, sorted by time; a player
 * (BeamPlayer in readers/beam-source.ts) hands them out in real time.
 *
 * Geometry (the same axis as the read model in engine.ts: x < 0 outside, the load
 * centre moving from −3 m to +3 m on an inbound pass): beams sit 0.5 m either side of
 * the door and the load (forklift + pallet) is 2.4 m long, so a beam is broken while
 * |centre − beamX| < 1.2 m. An inbound load breaks the outside beam, then the inside
 * one while the outside is still broken, clears outside, then inside.
 */
export interface BeamChange {
  /** Milliseconds since the start of the loop. */
  offsetMs: number;
  readerId: string;
  /** GPI port on the reader. */
  port: number;
  /** true while broken (input high). */
  state: boolean;
}

export const BEAM_OFFSET_FROM_DOOR_M = 0.5;
export const LOAD_LENGTH_M = 2.4;
const PASS_HALF_LENGTH_M = 3;

/** Fractions of the pass during which a beam at `beamX` is broken, for the given direction. */
export function beamBrokenSpan(beamX: number, direction: 'inbound' | 'outbound'): { from: number; to: number } {
  const half = LOAD_LENGTH_M / 2;
  const span = PASS_HALF_LENGTH_M * 2;
  // inbound centre(p) = −3 + 6p; outbound centre(p) = 3 − 6p.
  const enter =
    direction === 'inbound' ? (beamX - half + PASS_HALF_LENGTH_M) / span : (PASS_HALF_LENGTH_M - beamX - half) / span;
  return { from: enter, to: enter + LOAD_LENGTH_M / span };
}

/** Every beam change of one loop, sorted by offset (breaks before clears at the same instant). */
export function generateBeamTimeline(scenario: Scenario): BeamChange[] {
  const changes: BeamChange[] = [];
  const dayMs = Math.round(scenario.durationSeconds * 1000);
  const durationMs = dayMs * scenario.days;
  // The day's timeline plays once per day (scenario `days`), as in the engine.
  const passes = Array.from({ length: scenario.days }, (_, day) =>
    scenario.timeline.map((event) => ({ event, offsetMs: day * dayMs })),
  ).flat();
  for (const { event, offsetMs } of passes) {
    if (event.kind !== 'pallet-pass') continue;
    const door = scenario.doors.find((candidate) => candidate.id === event.door);
    if (!door?.beams) continue;
    const atMs = offsetMs + Math.round(event.atSeconds * 1000);
    const passMs = Math.round(event.passSeconds * 1000);
    for (const [port, beamX] of [
      [door.beams.outside, -BEAM_OFFSET_FROM_DOOR_M],
      [door.beams.inside, BEAM_OFFSET_FROM_DOOR_M],
    ] as const) {
      const { from, to } = beamBrokenSpan(beamX, event.direction);
      const breakMs = atMs + Math.round(from * passMs);
      const clearMs = atMs + Math.round(to * passMs);
      if (breakMs >= durationMs) continue;
      changes.push({ offsetMs: breakMs, readerId: door.reader, port, state: true });
      changes.push({ offsetMs: Math.min(clearMs, durationMs - 1), readerId: door.reader, port, state: false });
    }
  }
  return changes.sort((a, b) => a.offsetMs - b.offsetMs || Number(b.state) - Number(a.state));
}
