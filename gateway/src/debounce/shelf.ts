import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { buildObjectEvent, type EventFrame, type TagEvidence } from './events.js';
import { EVENT_EPCS_MAX, inParts, sortedUrns, summariseEvidence, tagEvidence } from './evidence.js';
import { FLAG_PRESENT, addToList, popCount } from './records.js';
import type { EngineState, ShelfState } from './state.js';
import { allocateOwnedSlot, releaseOwnedSlot } from './slots.js';
import { slotOf } from './tags.js';

/**
 * Smart shelf: the reader's inventory rounds become a per-tag history of
 * seen/missed rounds. Present after k of the last n rounds, gone after m missed
 * rounds in a row (or goneMs): hysteresis, so a tag at the edge of the field
 * does not flap. Changes → `stocking` / `removing`; every countIntervalMs a
 * `cycle_counting` snapshot of the whole set.
 */

/** Pending-round bits per slot (reads that arrive before the previous round closed). */
const PENDING_ROUNDS_MAX = 8;

export function ingestShelfRead(
  state: EngineState,
  shelf: ShelfState,
  tagId: number,
  timeMs: number,
  rssiDbm: number,
  nowMs: number,
): void {
  const readRound = Math.floor(timeMs / shelf.config.roundMs);
  // The round grid starts from the engine clock: one read with a wild reader time must not stall it.
  if (shelf.openRound < 0) shelf.openRound = Math.floor(nowMs / shelf.config.roundMs);
  // A late read counts for the round still open; a read from far ahead for the last pending one.
  let offset = readRound - shelf.openRound;
  if (offset < 0) offset = 0;
  else if (offset >= PENDING_ROUNDS_MAX) offset = PENDING_ROUNDS_MAX - 1;
  // Any read, weak ones included, proves the reader is running (see the silent-round hold).
  shelf.pendingRoundReads |= 1 << offset;
  if (rssiDbm < shelf.config.rssiMinDbm) {
    state.stats.readsIgnoredWeak++;
    state.tags.releaseIfUnreferenced(tagId);
    return;
  }
  const records = state.records;
  let slot = slotOf(records, state.tags, shelf.index, shelf.slotsByTag, tagId);
  if (slot === undefined) {
    slot = allocateOwnedSlot(state, shelf.index, shelf.slotsByTag, tagId, timeMs);
    if (slot === undefined) return;
    addToList(records, shelf.slots, slot);
  }
  records.touch(slot, timeMs, rssiDbm);
  records.pendingRounds[slot] = (records.pendingRounds[slot] ?? 0) | (1 << offset);
}

/** Closes every round that ended by nowMs. */
export function tickShelf(state: EngineState, shelf: ShelfState, nowMs: number, out: EpcisEvent[]): void {
  const { roundMs } = shelf.config;
  if (shelf.openRound < 0) {
    shelf.openRound = Math.floor(nowMs / roundMs);
    return;
  }
  const dueRounds = Math.floor(nowMs / roundMs) - shelf.openRound;
  if (dueRounds <= 0) return;
  // After a long gap (replay of sparse captures, a paused process) closing every
  // empty round changes nothing past this many: skip ahead instead.
  const catchUpMax =
    shelf.config.windowRounds + shelf.config.goneRounds + shelf.config.silentRoundsMax + PENDING_ROUNDS_MAX;
  for (let round = 0; round < dueRounds; round++) {
    if (round === catchUpMax) {
      shelf.openRound += dueRounds - catchUpMax;
      break;
    }
    closeRound(state, shelf, out);
  }
}

function closeRound(state: EngineState, shelf: ShelfState, out: EpcisEvent[]): void {
  const records = state.records;
  const config = shelf.config;
  const roundEndMs = (shelf.openRound + 1) * config.roundMs;
  const hadReads = (shelf.pendingRoundReads & 1) !== 0;
  shelf.pendingRoundReads >>>= 1;
  shelf.openRound++;
  state.stats.shelfRoundsClosed++;
  if (!hadReads && shelf.presentCount > 0 && shelf.silentRounds < config.silentRoundsMax) {
    // Not one read while tags were present: a paused or restarting reader, not an
    // emptied shelf. Hold the hysteresis (and the count) for up to silentRoundsMax rounds.
    shelf.silentRounds++;
    state.stats.shelfRoundsHeldSilent++;
    for (const slot of shelf.slots) records.pendingRounds[slot] = (records.pendingRounds[slot] ?? 0) >>> 1;
    return;
  }
  if (hadReads) {
    shelf.silentRounds = 0;
    shelf.heardSinceCount = true;
  }
  shelf.roundsClosed++;
  const windowMask = config.windowRounds >= 32 ? 0xffffffff : (1 << config.windowRounds) - 1;
  const appeared: number[] = [];
  const removed: number[] = [];
  const forgotten: number[] = [];
  for (const slot of shelf.slots) {
    const pending = records.pendingRounds[slot] ?? 0;
    const seen = pending & 1;
    records.pendingRounds[slot] = pending >>> 1;
    const history = ((((records.history[slot] ?? 0) << 1) | seen) & windowMask) >>> 0;
    records.history[slot] = history;
    const flags = records.flags[slot] ?? 0;
    if ((flags & FLAG_PRESENT) !== 0) {
      const missed = seen ? 0 : (records.missedRounds[slot] ?? 0) + 1;
      records.missedRounds[slot] = missed;
      const unreadMs = roundEndMs - (records.lastSeenMs[slot] ?? 0);
      if (missed >= config.goneRounds || (config.goneMs !== undefined && !seen && unreadMs >= config.goneMs)) {
        records.flags[slot] = flags & ~FLAG_PRESENT;
        shelf.presentCount--;
        removed.push(slot);
      }
    } else if (popCount(history) >= config.presentRounds) {
      records.flags[slot] = flags | FLAG_PRESENT;
      records.missedRounds[slot] = 0;
      shelf.presentCount++;
      appeared.push(slot);
    } else if (history === 0 && records.pendingRounds[slot] === 0) {
      forgotten.push(slot);
    }
  }
  const frame = (bizStep: EventFrame['bizStep'], extensions: Record<string, unknown>): EventFrame => ({
    eventTimeMs: roundEndMs,
    timeZoneOffset: state.timeZoneOffset,
    bizStep,
    readPoint: shelf.readPoint,
    bizLocation: config.location,
    extensions: { 'stockwire:shelf': shelf.id, ...extensions },
  });
  if (removed.length > 0) emitChange(state, shelf, frame, 'removing', removed, out);
  if (appeared.length > 0) emitChange(state, shelf, frame, 'stocking', appeared, out);
  // Removed tags stay tracked until their history empties, so a quick return is hysteresis, not a new tag.
  for (const slot of forgotten) releaseShelfSlot(state, shelf, slot);
  // The first count waits for both hysteresis windows to settle: a count before
  // that would tell the ledger that slowly-read tags are gone.
  if (shelf.nextCountMs < 0)
    shelf.nextCountMs = (Math.floor(roundEndMs / config.countIntervalMs) + 1) * config.countIntervalMs;
  if (roundEndMs >= shelf.nextCountMs && shelf.roundsClosed >= config.windowRounds + config.goneRounds) {
    // A shelf that heard nothing for a whole interval sends no count: a dead or
    // unplugged reader must not tell the ledger the shelf is empty.
    if (shelf.heardSinceCount) emitCount(state, shelf, frame, out);
    else state.stats.shelfCountsSkippedSilent++;
    shelf.heardSinceCount = false;
    shelf.nextCountMs = (Math.floor(roundEndMs / config.countIntervalMs) + 1) * config.countIntervalMs;
  }
}

function emitChange(
  state: EngineState,
  shelf: ShelfState,
  frame: (bizStep: EventFrame['bizStep'], extensions: Record<string, unknown>) => EventFrame,
  bizStep: 'stocking' | 'removing',
  slots: readonly number[],
  out: EpcisEvent[],
): void {
  const group = slots.map((slot) => ({ slot }));
  const extensions: Record<string, unknown> = {
    'stockwire:evidence': { ...summariseEvidence(state, slots), roundMs: shelf.config.roundMs },
  };
  if (slots.length <= state.evidenceTagsMax) {
    extensions['stockwire:tagEvidence'] = slots
      .map((slot) => shelfTagEvidence(state, slot))
      .sort((a, b) => (a.epc < b.epc ? -1 : a.epc > b.epc ? 1 : 0));
  }
  for (const { urns, part } of inParts(sortedUrns(state, group))) {
    out.push(
      buildObjectEvent(frame(bizStep, part === null ? extensions : { ...extensions, 'stockwire:part': part }), urns),
    );
    state.stats.eventsEmitted++;
  }
}

function emitCount(
  state: EngineState,
  shelf: ShelfState,
  frame: (bizStep: EventFrame['bizStep'], extensions: Record<string, unknown>) => EventFrame,
  out: EpcisEvent[],
): void {
  const present = shelf.slots.filter((slot) => ((state.records.flags[slot] ?? 0) & FLAG_PRESENT) !== 0);
  const urns = sortedUrns(
    state,
    present.map((slot) => ({ slot })),
  );
  if (urns.length > EVENT_EPCS_MAX) {
    // Too big for one event, and a count must not be split: skipped and counted.
    state.stats.shelfCountsSkippedOversize++;
    return;
  }
  const extensions: Record<string, unknown> = {
    'stockwire:count': { tags: urns.length, roundsClosed: shelf.roundsClosed },
  };
  out.push(buildObjectEvent(frame('cycle_counting', extensions), urns));
  state.stats.eventsEmitted++;
}

function shelfTagEvidence(state: EngineState, slot: number): TagEvidence {
  const records = state.records;
  return {
    ...tagEvidence(state, slot),
    roundsSeen: popCount(records.history[slot] ?? 0),
    missedRounds: records.missedRounds[slot] ?? 0,
  };
}

/**
 * Someone downstream (the cloud, through the gateway's commands topic) needs this shelf's count
 * now: it goes out when the next round closes, under the same settle and silence rules as a
 * scheduled one, and the schedule then resumes from there.
 */
export function requestShelfCount(shelf: ShelfState): void {
  shelf.nextCountMs = 0;
}

export function releaseShelfSlot(state: EngineState, shelf: ShelfState, slot: number): void {
  releaseOwnedSlot(state, shelf.slotsByTag, shelf.slots, slot);
}
