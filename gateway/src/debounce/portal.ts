import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import {
  buildAggregationEvent,
  buildObjectEvent,
  isoTime,
  type EventFrame,
  type EvidenceSummary,
  type TagEvidence,
} from './events.js';
import { beamEvidence, beamVerdict, tickPortalBeams } from './beams.js';
import { agreeOnDirection, tagDirection, type TagVerdict } from './direction.js';
import { inParts, pushDiagnostic, sortedUrns, summariseEvidence, tagEvidence } from './evidence.js';
import {
  FLAG_CLAIMED,
  FLAG_PARKED,
  SIDE_INSIDE,
  SIDE_OUTSIDE,
  addToList,
  readWeight,
  removeFromList,
  type RecordStore,
} from './records.js';
import type { EngineState, PortalState } from './state.js';
import { allocateOwnedSlot, releaseOwnedSlot } from './slots.js';
import { TAG_KIND_SGTIN, TAG_KIND_SSCC, slotOf } from './tags.js';

/**
 * Dock-door portal: groups reads into passes, decides each tag's direction from
 * the order the two sides saw it and the RSSI-weighted trend, drops stray and
 * cross-read tags, and emits one event per direction when the pass closes.
 */

export function ingestPortalRead(
  state: EngineState,
  portal: PortalState,
  tagId: number,
  side: number,
  timeMs: number,
  rssiDbm: number,
  nowMs: number,
): void {
  const records = state.records;
  let slot = slotOf(records, state.tags, portal.index, portal.slotsByTag, tagId);
  if (slot === undefined) {
    slot = allocateOwnedSlot(state, portal.index, portal.slotsByTag, tagId, timeMs, nowMs);
    if (slot === undefined) return;
    if (portal.pass.length === 0) {
      portal.passFirstMs = nowMs;
      portal.passLastMs = nowMs;
    }
    addToList(records, portal.pass, slot);
  }
  // Quiet and dwell run on the engine's clock, not the reader's: a reader clock
  // that lags, leaps ahead or is stuck cannot split a pass or park a tag forever.
  const activityMs = nowMs;
  if (activityMs > (records.activityMs[slot] ?? 0)) records.activityMs[slot] = activityMs;
  // Parked tags only prove they are still there; they never start a new pass.
  if (((records.flags[slot] ?? 0) & FLAG_PARKED) !== 0) return;
  records.touch(slot, timeMs, rssiDbm);
  if (activityMs > portal.passLastMs) portal.passLastMs = activityMs;
  if (rssiDbm < portal.config.rssiMinDbm) return;
  const index = slot * 2 + side;
  records.sideReadCount[index] = (records.sideReadCount[index] ?? 0) + 1;
  if (timeMs < (records.sideFirstMs[index] ?? 0)) records.sideFirstMs[index] = timeMs;
  if (timeMs > (records.sideLastMs[index] ?? 0)) records.sideLastMs[index] = timeMs;
  const weight = readWeight(rssiDbm);
  records.sideWeight[index] = (records.sideWeight[index] ?? 0) + weight;
  records.sideWeightedTime[index] =
    (records.sideWeightedTime[index] ?? 0) + weight * (timeMs - (records.anchorMs[slot] ?? 0));
}

/** Releases parked tags that went quiet and closes the pass when it is quiet or too long. */
export function tickPortal(state: EngineState, portal: PortalState, nowMs: number, out: EpcisEvent[]): void {
  const records = state.records;
  const { stableSetMs, dwellMs } = portal.config;
  tickPortalBeams(state, portal, nowMs);
  for (let index = portal.parked.length - 1; index >= 0; index--) {
    const slot = portal.parked[index] as number;
    if (nowMs - (records.activityMs[slot] ?? 0) >= stableSetMs) releaseSlot(state, portal, portal.parked, slot);
  }
  if (portal.pass.length === 0) return;
  if (nowMs - portal.passLastMs >= stableSetMs) closePass(state, portal, nowMs, 'quiet', out);
  else if (nowMs - portal.passFirstMs >= dwellMs) closePass(state, portal, nowMs, 'dwell', out);
}

/** Shutdown or removal: everything in progress is decided now; parked tags are forgotten. */
export function flushPortal(state: EngineState, portal: PortalState, nowMs: number, out: EpcisEvent[]): void {
  if (portal.pass.length > 0) closePass(state, portal, nowMs, 'flush', out);
  for (const slot of [...portal.parked]) releaseSlot(state, portal, portal.parked, slot);
}

export function releaseSlot(state: EngineState, portal: PortalState, list: number[], slot: number): void {
  releaseOwnedSlot(state, portal.slotsByTag, list, slot);
}

function closePass(
  state: EngineState,
  portal: PortalState,
  nowMs: number,
  mode: 'quiet' | 'dwell' | 'flush',
  out: EpcisEvent[],
): void {
  const records = state.records;
  const { stableSetMs, dwellMs } = portal.config;
  // A copy: slots are released from portal.pass while we walk the reported ones.
  let reported: number[] = [];
  const parking = new Set<number>();
  if (mode === 'dwell') {
    state.stats.passesDwellClosed++;
    // Tags that finished, or that themselves dwelt too long, are decided now;
    // tags that arrived recently carry over into the next pass.
    for (const slot of portal.pass) {
      const active = nowMs - (records.activityMs[slot] ?? 0) < stableSetMs;
      if (!active) reported.push(slot);
      else if (nowMs - (records.firstActivityMs[slot] ?? 0) >= dwellMs) {
        reported.push(slot);
        parking.add(slot);
      }
    }
  } else {
    reported = portal.pass.slice();
  }
  if (reported.length > 0) {
    state.stats.passesClosed++;
    emitPass(state, portal, reported, out);
    for (const slot of reported) {
      if (parking.has(slot)) {
        removeFromList(records, portal.pass, slot);
        records.flags[slot] = FLAG_PARKED;
        addToList(records, portal.parked, slot);
      } else {
        releaseSlot(state, portal, portal.pass, slot);
      }
    }
  }
  portal.passFirstMs = Infinity;
  portal.passLastMs = -Infinity;
  for (const slot of portal.pass) {
    portal.passFirstMs = Math.min(portal.passFirstMs, records.firstActivityMs[slot] ?? Infinity);
    portal.passLastMs = Math.max(portal.passLastMs, records.activityMs[slot] ?? -Infinity);
  }
}

/** Would this record survive its own portal's stray filter (as of now)? */
function qualifies(records: RecordStore, portal: PortalState, slot: number): boolean {
  return (
    (records.readCount[slot] ?? 0) >= portal.config.readCountMin &&
    (records.peakRssiDbm[slot] ?? -Infinity) >= portal.config.rssiMinDbm
  );
}

/**
 * Stronger evidence wins a cross-read: a record that passes its portal's stray
 * filter beats one that does not (many weak reads through the wall lose), then
 * more reads, then higher peak RSSI, then the earlier-configured portal.
 */
function isStronger(
  records: RecordStore,
  portal: PortalState,
  slot: number,
  other: PortalState,
  otherSlot: number,
): boolean {
  const qualified = qualifies(records, portal, slot);
  if (qualified !== qualifies(records, other, otherSlot)) return qualified;
  const ownerIndex = portal.index;
  const otherOwnerIndex = other.index;
  const reads = records.readCount[slot] ?? 0;
  const otherReads = records.readCount[otherSlot] ?? 0;
  if (reads !== otherReads) return reads > otherReads;
  const peak = records.peakRssiDbm[slot] ?? -Infinity;
  const otherPeak = records.peakRssiDbm[otherSlot] ?? -Infinity;
  if (peak !== otherPeak) return peak > otherPeak;
  return ownerIndex < otherOwnerIndex;
}

function loseCrossRead(state: EngineState, portal: PortalState, slot: number): boolean {
  const records = state.records;
  const tagId = records.tag[slot] ?? -1;
  const firstMs = (records.firstSeenMs[slot] ?? 0) - portal.config.crossReadWindowMs;
  const lastMs = (records.lastSeenMs[slot] ?? 0) + portal.config.crossReadWindowMs;
  for (const neighbour of portal.neighbours) {
    if (!neighbour.active) continue;
    const otherSlot = neighbour.slotsByTag.get(tagId);
    if (otherSlot === undefined) continue;
    const otherFlags = records.flags[otherSlot] ?? 0;
    if ((otherFlags & FLAG_CLAIMED) !== 0) continue;
    const overlaps = (records.lastSeenMs[otherSlot] ?? 0) >= firstMs && (records.firstSeenMs[otherSlot] ?? 0) <= lastMs;
    if (!overlaps) continue;
    if (isStronger(records, neighbour, otherSlot, portal, slot)) return true;
    // We win: the neighbour must not report this tag when its own pass closes.
    records.flags[otherSlot] = otherFlags | FLAG_CLAIMED;
  }
  return false;
}

function emitPass(state: EngineState, portal: PortalState, reported: readonly number[], out: EpcisEvent[]): void {
  const records = state.records;
  const verdicts: TagVerdict[] = [];
  let strayTags = 0;
  let crossReadTags = 0;
  let passFirstMs = Infinity;
  for (const slot of reported) {
    passFirstMs = Math.min(passFirstMs, records.firstSeenMs[slot] ?? Infinity);
    const reads = records.readCount[slot] ?? 0;
    if (((records.flags[slot] ?? 0) & FLAG_CLAIMED) !== 0) {
      crossReadTags++;
      state.stats.readsIgnoredCrossRead += reads;
      continue;
    }
    if (reads < portal.config.readCountMin || (records.peakRssiDbm[slot] ?? -Infinity) < portal.config.rssiMinDbm) {
      strayTags++;
      state.stats.readsIgnoredStray += reads;
      continue;
    }
    if (loseCrossRead(state, portal, slot)) {
      crossReadTags++;
      state.stats.readsIgnoredCrossRead += reads;
      continue;
    }
    verdicts.push({ slot, ...tagDirection(records, portal, slot) });
  }
  state.stats.tagsIgnoredStray += strayTags;
  state.stats.tagsIgnoredCrossRead += crossReadTags;
  if (verdicts.length === 0) return;
  const beams = decideByBeams(state, portal, verdicts);
  const passId = `${portal.id}@${isoTime(passFirstMs)}`;
  for (const direction of ['inbound', 'outbound', 'unknown'] as const) {
    const group = verdicts.filter((verdict) => verdict.direction === direction);
    if (group.length === 0) continue;
    if (direction === 'unknown') {
      state.stats.tagsUnknownDirection += group.length;
      pushDiagnostic(state, {
        kind: 'direction_unknown',
        portal: portal.id,
        pass: passId,
        time: isoTime(maxLastSeen(records, group)),
        tags: group.length,
        epcs: sortedUrns(state, group).slice(0, state.evidenceTagsMax),
        detail: summariseReasons(group),
      });
      continue;
    }
    emitGroup(state, portal, passId, direction, group, { strayTags, crossReadTags, beams }, out);
  }
}

function emitGroup(
  state: EngineState,
  portal: PortalState,
  passId: string,
  direction: 'inbound' | 'outbound',
  group: readonly TagVerdict[],
  ignored: { strayTags: number; crossReadTags: number; beams: Record<string, unknown> | null },
  out: EpcisEvent[],
): void {
  const urns = sortedUrns(state, group);
  const summary: EvidenceSummary = {
    ...summariseEvidence(
      state,
      group.map((verdict) => verdict.slot),
    ),
    strayTags: ignored.strayTags,
    crossReadTags: ignored.crossReadTags,
  };
  // What both the object events and the aggregation events of this group carry.
  const passExtensions: Record<string, unknown> = {
    'stockwire:portal': portal.id,
    'stockwire:pass': passId,
    'stockwire:direction': direction,
    'stockwire:evidence': summary,
  };
  const extensions: Record<string, unknown> = {
    ...passExtensions,
    ...(ignored.beams === null ? {} : { 'stockwire:beams': ignored.beams }),
  };
  if (group.length <= state.evidenceTagsMax) {
    extensions['stockwire:tagEvidence'] = group
      .map((verdict) => portalTagEvidence(state, verdict))
      .sort((a, b) => (a.epc < b.epc ? -1 : a.epc > b.epc ? 1 : a.firstSeen < b.firstSeen ? -1 : 1));
  }
  const frame: EventFrame = {
    eventTimeMs: maxLastSeen(state.records, group),
    timeZoneOffset: state.timeZoneOffset,
    bizStep: direction === 'inbound' ? 'receiving' : 'shipping',
    readPoint: portal.readPoint,
    bizLocation: direction === 'inbound' ? portal.config.inboundLocation : portal.config.outboundLocation,
    extensions,
  };
  for (const { urns: partUrns, part } of inParts(urns)) {
    out.push(
      buildObjectEvent(
        part === null ? frame : { ...frame, extensions: { ...extensions, 'stockwire:part': part } },
        partUrns,
      ),
    );
    state.stats.eventsEmitted++;
  }
  emitAggregation(state, portal, passId, group, { ...frame, extensions: passExtensions }, out);
}

/**
 * One pallet with cases: the cases travelled on it, so an AggregationEvent links them. Several
 * pallets with cases: which case rode on which is unknowable, so a diagnostic instead.
 */
function emitAggregation(
  state: EngineState,
  portal: PortalState,
  passId: string,
  group: readonly TagVerdict[],
  aggregationFrame: EventFrame,
  out: EpcisEvent[],
): void {
  const records = state.records;
  const pallets = group.filter((verdict) => state.tags.kindById[records.tag[verdict.slot] ?? 0] === TAG_KIND_SSCC);
  const cases = group.filter((verdict) => state.tags.kindById[records.tag[verdict.slot] ?? 0] === TAG_KIND_SGTIN);
  if (pallets.length === 1 && cases.length > 0) {
    const parent = state.tags.urnById[records.tag[(pallets[0] as TagVerdict).slot] ?? 0] ?? '';
    for (const { urns: children, part } of inParts(sortedUrns(state, cases))) {
      const partFrame =
        part === null
          ? aggregationFrame
          : { ...aggregationFrame, extensions: { ...aggregationFrame.extensions, 'stockwire:part': part } };
      out.push(buildAggregationEvent(partFrame, parent, children));
      state.stats.eventsEmitted++;
    }
  } else if (pallets.length > 1 && cases.length > 0) {
    pushDiagnostic(state, {
      kind: 'pallets_ambiguous',
      portal: portal.id,
      pass: passId,
      time: isoTime(aggregationFrame.eventTimeMs),
      tags: pallets.length,
      epcs: sortedUrns(state, pallets).slice(0, state.evidenceTagsMax),
      detail: `${pallets.length} pallets passed together: cannot tell which cases belong to which, no AggregationEvent`,
    });
  }
}

/**
 * With healthy beams that both broke during the pass, their order decides every tag's
 * direction and the reads only confirm it (counted in the evidence); otherwise the
 * reads decide as without beams (pass agreement on the per-tag order). Returns the
 * `stockwire:beams` evidence, or null for a portal without beams.
 */
function decideByBeams(
  state: EngineState,
  portal: PortalState,
  verdicts: TagVerdict[],
): Record<string, unknown> | null {
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const verdict of verdicts) {
    firstMs = Math.min(firstMs, state.records.firstSeenMs[verdict.slot] ?? Infinity);
    lastMs = Math.max(lastMs, state.records.lastSeenMs[verdict.slot] ?? -Infinity);
  }
  const verdict = beamVerdict(portal, firstMs, lastMs);
  if (verdict === null || !verdict.decided) {
    agreeOnDirection(verdicts);
    return verdict === null ? null : beamEvidence(verdict, 0, 0);
  }
  state.stats.passesDecidedByBeams++;
  let confirm = 0;
  let contradict = 0;
  for (const tag of verdicts) {
    if (tag.direction === verdict.direction) confirm++;
    else if (tag.direction !== 'unknown') contradict++;
    tag.direction = verdict.direction;
    tag.reason = 'beams';
  }
  return beamEvidence(verdict, confirm, contradict);
}

function portalTagEvidence(state: EngineState, verdict: TagVerdict): TagEvidence {
  const records = state.records;
  const slot = verdict.slot;
  return {
    ...tagEvidence(state, slot),
    outsideReads: records.sideReadCount[slot * 2 + SIDE_OUTSIDE] ?? 0,
    insideReads: records.sideReadCount[slot * 2 + SIDE_INSIDE] ?? 0,
    directionReason: verdict.reason,
  };
}

function maxLastSeen(records: RecordStore, group: readonly TagVerdict[]): number {
  let lastMs = -Infinity;
  for (const verdict of group) lastMs = Math.max(lastMs, records.lastSeenMs[verdict.slot] ?? -Infinity);
  return lastMs;
}

function summariseReasons(group: readonly TagVerdict[]): string {
  const counts = new Map<string, number>();
  for (const verdict of group) counts.set(verdict.reason, (counts.get(verdict.reason) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, count]) => `${reason}=${count}`)
    .join(' ');
}
