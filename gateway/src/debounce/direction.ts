import type { PortalState } from './state.js';
import { SIDE_INSIDE, SIDE_OUTSIDE, type RecordStore } from './records.js';

/**
 * Which way a tag went through a door, from the order the two sides saw it and
 * the RSSI-weighted trend; then the pass-level agreement of a load's tags.
 */
export type Direction = 'inbound' | 'outbound' | 'unknown';

/** Share of decided tags that must agree before the whole pass takes their direction. */
export const PASS_AGREEMENT_PERCENT = 80;

/** Why a tag got its direction: the first four leave it unknown; `beams`: the portal's photo-eyes decided. */
export const DIRECTION_REASONS = [
  'one_side',
  'order_tie',
  'returned',
  'trend_contradicts',
  'agreed',
  'order',
  'beams',
] as const;
export type DirectionReason = (typeof DIRECTION_REASONS)[number];

export interface TagVerdict {
  slot: number;
  direction: Direction;
  reason: DirectionReason;
}

/** Per-tag direction: first and last side must differ, and the RSSI-weighted trend must not contradict them. */
export function tagDirection(
  records: RecordStore,
  portal: PortalState,
  slot: number,
): { direction: Direction; reason: DirectionReason } {
  const outside = slot * 2 + SIDE_OUTSIDE;
  const inside = slot * 2 + SIDE_INSIDE;
  const readsMin = portal.config.sideReadCountMin;
  if ((records.sideReadCount[outside] ?? 0) < readsMin || (records.sideReadCount[inside] ?? 0) < readsMin)
    return { direction: 'unknown', reason: 'one_side' };
  const firstOutside = records.sideFirstMs[outside] ?? 0;
  const firstInside = records.sideFirstMs[inside] ?? 0;
  const lastOutside = records.sideLastMs[outside] ?? 0;
  const lastInside = records.sideLastMs[inside] ?? 0;
  if (firstOutside === firstInside || lastOutside === lastInside) return { direction: 'unknown', reason: 'order_tie' };
  const firstSide = firstOutside < firstInside ? SIDE_OUTSIDE : SIDE_INSIDE;
  const lastSide = lastOutside > lastInside ? SIDE_OUTSIDE : SIDE_INSIDE;
  if (firstSide === lastSide) return { direction: 'unknown', reason: 'returned' };
  const meanOutsideMs = (records.sideWeightedTime[outside] ?? 0) / (records.sideWeight[outside] ?? 1);
  const meanInsideMs = (records.sideWeightedTime[inside] ?? 0) / (records.sideWeight[inside] ?? 1);
  const trendMs = meanInsideMs - meanOutsideMs; // > 0: the signal moved inside over time
  const margin = portal.config.directionTimeMarginMs;
  if (firstSide === SIDE_OUTSIDE)
    return trendMs < -margin
      ? { direction: 'unknown', reason: 'trend_contradicts' }
      : { direction: 'inbound', reason: 'order' };
  return trendMs > margin
    ? { direction: 'unknown', reason: 'trend_contradicts' }
    : { direction: 'outbound', reason: 'order' };
}

/**
 * A pallet's tags travel together: when most decided tags agree (and they are at
 * least half the pass), the undecided and the few dissenting tags follow them.
 * Otherwise each tag keeps its own verdict and the undecided stay unknown.
 */
export function agreeOnDirection(verdicts: TagVerdict[]): void {
  let inbound = 0;
  let outbound = 0;
  for (const verdict of verdicts) {
    if (verdict.direction === 'inbound') inbound++;
    else if (verdict.direction === 'outbound') outbound++;
  }
  const decided = inbound + outbound;
  if (decided === 0 || decided * 2 < verdicts.length) return;
  const winner: Direction | null =
    inbound * 100 >= decided * PASS_AGREEMENT_PERCENT
      ? 'inbound'
      : outbound * 100 >= decided * PASS_AGREEMENT_PERCENT
        ? 'outbound'
        : null;
  if (winner === null) return;
  for (const verdict of verdicts) {
    if (verdict.direction !== winner) {
      verdict.direction = winner;
      verdict.reason = 'agreed';
    }
  }
}
