import { removeFromList } from './records.js';
import type { EngineState } from './state.js';

// Slot bookkeeping needs the whole engine state (records, tags, stats); kept apart from tags.ts so the
// tag table does not depend on the state that holds it (that was an import loop).

/**
 * A new slot for a tag an owner (portal or shelf) hears for the first time, indexed
 * by tag and retained; undefined when the record store is full (the read is counted
 * as dropped). The caller adds the slot to the owner's list it belongs in.
 */
export function allocateOwnedSlot(
  state: EngineState,
  ownerIndex: number,
  slotsByTag: Map<number, number>,
  tagId: number,
  timeMs: number,
  nowMs: number = timeMs,
): number | undefined {
  const slot = state.records.allocate(tagId, ownerIndex, timeMs, nowMs);
  if (slot < 0) {
    state.stats.readsDroppedCapacity++;
    state.tags.releaseIfUnreferenced(tagId);
    return undefined;
  }
  state.tags.retain(tagId);
  slotsByTag.set(tagId, slot);
  state.tags.lastSlotById[tagId] = slot;
  return slot;
}

/** Undoes allocateOwnedSlot: takes the slot off the owner's list and index, frees it and releases the tag. */
export function releaseOwnedSlot(
  state: EngineState,
  slotsByTag: Map<number, number>,
  list: number[],
  slot: number,
): void {
  const tagId = state.records.tag[slot] ?? -1;
  removeFromList(state.records, list, slot);
  slotsByTag.delete(tagId);
  state.records.free(slot);
  state.tags.release(tagId);
}
