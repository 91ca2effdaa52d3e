import { OBJECT_EVENT_EPCS_MAX } from '../../../shared/src/contracts/epcis.js';
import { isoTime, type EvidenceSummary, type TagEvidence } from './events.js';
import type { EngineState, PassDiagnostic } from './state.js';

/** Evidence summaries, epcLists and diagnostics shared by portals and shelves. */
/** The per-tag evidence every owner reports; portals and shelves append their own details after it. */
export function tagEvidence(state: EngineState, slot: number): TagEvidence {
  const records = state.records;
  return {
    epc: state.tags.urnById[records.tag[slot] ?? 0] ?? '',
    firstSeen: isoTime(records.firstSeenMs[slot] ?? 0),
    lastSeen: isoTime(records.lastSeenMs[slot] ?? 0),
    readCount: records.readCount[slot] ?? 0,
    peakRssi: records.peakRssiDbm[slot] ?? 0,
  };
}

export function summariseEvidence(state: EngineState, slots: readonly number[]): EvidenceSummary {
  const records = state.records;
  let readCount = 0;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  let peak = -Infinity;
  for (const slot of slots) {
    readCount += records.readCount[slot] ?? 0;
    firstMs = Math.min(firstMs, records.firstSeenMs[slot] ?? Infinity);
    lastMs = Math.max(lastMs, records.lastSeenMs[slot] ?? -Infinity);
    peak = Math.max(peak, records.peakRssiDbm[slot] ?? -Infinity);
  }
  return { tags: slots.length, readCount, firstSeen: isoTime(firstMs), lastSeen: isoTime(lastMs), peakRssi: peak };
}

/** Sorted, de-duplicated URNs (two encodings of one identity must not repeat in an epcList). */
export function sortedUrns(state: EngineState, group: readonly { slot: number }[]): string[] {
  const urns = new Set<string>();
  for (const entry of group) urns.add(state.tags.urnById[state.records.tag[entry.slot] ?? 0] ?? '');
  return [...urns].sort();
}

export function pushDiagnostic(state: EngineState, diagnostic: PassDiagnostic): void {
  if (state.diagnostics.length >= state.diagnosticsMax) {
    state.stats.diagnosticsDropped++;
    return;
  }
  state.diagnostics.push(diagnostic);
}

/** EPCs per event; the contract's own limit, so no event we emit is refused downstream. */
export const EVENT_EPCS_MAX = OBJECT_EVENT_EPCS_MAX;

/**
 * Splits an additive movement (receiving, shipping, stocking, removing) into
 * events of at most `max` EPCs; each part carries `stockwire:part: "i/n"`.
 * Counts are never split: a partial snapshot would read as missing stock.
 */
export function inParts(
  urns: readonly string[],
  max: number = EVENT_EPCS_MAX,
): { urns: string[]; part: string | null }[] {
  if (urns.length <= max) return [{ urns: [...urns], part: null }];
  const total = Math.ceil(urns.length / max);
  return Array.from({ length: total }, (_, index) => ({
    urns: urns.slice(index * max, (index + 1) * max),
    part: `${index + 1}/${total}`,
  }));
}
