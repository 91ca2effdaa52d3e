import { z } from 'zod';
import { isoTime } from './events.js';
import { SIDE_INSIDE, SIDE_OUTSIDE } from './records.js';
import type { EngineState, PortalBeams, PortalState } from './state.js';

/**
 * Photo-eye beams at a dock door. Pure: beam changes come in with the gateway time
 * of the GPI event, `nowMs` drives the stuck check. Two beams broken in order give
 * the direction (outside first = inbound); a beam that never clears is stuck, shown
 * as a reader fault, and the portal falls back to reads-only until it clears.
 */
export interface BeamInput {
  reader: string;
  port: number;
  /** The GPI input level: true = high. Which level means "broken" is the portal's `brokenWhen`. */
  state: boolean;
  /** Gateway clock, epoch ms. */
  time: number;
}

/**
 * A beam change as a line of a capture (`stockwire-gateway capture` writes them between the
 * raw reads, `replay` feeds them to ingestBeam): `{"beam": {reader, port, state, time}}`.
 */
export const BeamLineSchema = z
  .object({
    beam: z
      .object({
        reader: z.string().min(1).max(64),
        port: z.number().int().min(1).max(16),
        state: z.boolean(),
        time: z.number().int().nonnegative(),
      })
      .strict(),
  })
  .strict();

/** Recent break edges kept per portal: a pass needs the first of each side; a flapping sensor cannot grow this. */
export const BEAM_BREAKS_MAX = 32;

export interface BeamFault {
  portal: string;
  reader: string;
  port: number;
  side: 'outside' | 'inside';
  brokenSinceMs: number;
}

export type BeamVerdict =
  | { decided: true; direction: 'inbound' | 'outbound'; outsideMs: number; insideMs: number }
  | { decided: false; reason: 'stuck' | 'incomplete' };

export function emptyBeams(): PortalBeams {
  return { broken: [false, false], brokenSinceMs: [0, 0], stuck: [false, false], breaks: [] };
}

/** `broken`: the input level already mapped through the beam's `brokenWhen`. */
export function ingestPortalBeam(
  state: EngineState,
  portal: PortalState,
  side: number,
  broken: boolean,
  timeMs: number,
): void {
  const beams = portal.beams;
  state.stats.beamChanges++;
  if (broken === beams.broken[side]) return; // a repeated level is not an edge
  beams.broken[side] = broken;
  if (broken) {
    beams.brokenSinceMs[side] = timeMs;
    beams.breaks.push({ side, timeMs });
    if (beams.breaks.length > BEAM_BREAKS_MAX) beams.breaks.splice(0, beams.breaks.length - BEAM_BREAKS_MAX);
  } else beams.stuck[side] = false; // cleared: the sensor works again
}

export function tickPortalBeams(state: EngineState, portal: PortalState, nowMs: number): void {
  const beams = portal.beams;
  for (const side of [SIDE_OUTSIDE, SIDE_INSIDE]) {
    if (!beams.broken[side] || beams.stuck[side]) continue;
    if (nowMs - (beams.brokenSinceMs[side] ?? nowMs) >= portal.config.beamStuckMs) {
      beams.stuck[side] = true;
      state.stats.beamsStuck++;
    }
  }
}

/** The beams' say on a pass whose reads span [firstMs, lastMs]; null when the portal has no beams. */
export function beamVerdict(portal: PortalState, firstMs: number, lastMs: number): BeamVerdict | null {
  if (!portal.config.beams) return null;
  const beams = portal.beams;
  if (beams.stuck[SIDE_OUTSIDE] || beams.stuck[SIDE_INSIDE]) return { decided: false, reason: 'stuck' };
  const fromMs = firstMs - portal.config.beamMatchWindowMs;
  const toMs = lastMs + portal.config.beamMatchWindowMs;
  // Index in `breaks` (arrival order) settles a tie in time: a stalled event loop or a reader batching
  // GPI events can stamp both edges with the same millisecond, but they still arrive in order.
  let outside: { timeMs: number; index: number } | null = null;
  let inside: { timeMs: number; index: number } | null = null;
  for (let index = 0; index < beams.breaks.length; index++) {
    const edge = beams.breaks[index];
    if (!edge || edge.timeMs < fromMs || edge.timeMs > toMs) continue;
    if (edge.side === SIDE_OUTSIDE) outside ??= { timeMs: edge.timeMs, index };
    else inside ??= { timeMs: edge.timeMs, index };
  }
  // Zebra's two-beam example: one beam alone says nothing about direction.
  if (outside === null || inside === null) return { decided: false, reason: 'incomplete' };
  const outsideFirst =
    outside.timeMs < inside.timeMs || (outside.timeMs === inside.timeMs && outside.index < inside.index);
  return {
    decided: true,
    direction: outsideFirst ? 'inbound' : 'outbound',
    outsideMs: outside.timeMs,
    insideMs: inside.timeMs,
  };
}

/** The `stockwire:beams` evidence of a pass. */
export function beamEvidence(
  verdict: BeamVerdict,
  readsConfirm: number,
  readsContradict: number,
): Record<string, unknown> {
  if (!verdict.decided) return { order: 'none', fallback: verdict.reason };
  return {
    order: verdict.direction === 'inbound' ? 'outside,inside' : 'inside,outside',
    outsideBroken: isoTime(verdict.outsideMs),
    insideBroken: isoTime(verdict.insideMs),
    readsConfirm,
    readsContradict,
  };
}

export function stuckBeams(portal: PortalState): BeamFault[] {
  const configured = portal.config.beams;
  if (!configured) return [];
  const faults: BeamFault[] = [];
  for (const [side, name] of [
    [SIDE_OUTSIDE, 'outside'],
    [SIDE_INSIDE, 'inside'],
  ] as const) {
    if (!portal.beams.stuck[side]) continue;
    const beam = configured[name];
    faults.push({
      portal: portal.id,
      reader: beam.reader,
      port: beam.port,
      side: name,
      brokenSinceMs: portal.beams.brokenSinceMs[side],
    });
  }
  return faults;
}
