import type { AggregationEvent, BizStep, EpcisEvent, ObjectEvent } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';

/**
 * Builders for the EPCIS 2.0 events the engine emits. Evidence goes into
 * `stockwire:` extension fields so a person can see why a movement was declared;
 * the ledger never needs it.
 */
export interface TagEvidence {
  epc: string;
  firstSeen: string;
  lastSeen: string;
  readCount: number;
  peakRssi: number;
  [detail: string]: string | number;
}

export interface EvidenceSummary {
  tags: number;
  readCount: number;
  firstSeen: string;
  lastSeen: string;
  peakRssi: number;
  [detail: string]: string | number;
}

export interface EventFrame {
  eventTimeMs: number;
  timeZoneOffset: string;
  bizStep: BizStep;
  readPoint: string;
  bizLocation: string;
  /** Extension fields (`stockwire:…`), already namespaced. */
  extensions: Record<string, unknown>;
}

export function isoTime(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

export function buildObjectEvent(frame: EventFrame, epcList: readonly string[]): ObjectEvent {
  const event = {
    type: 'ObjectEvent' as const,
    eventTime: isoTime(frame.eventTimeMs),
    eventTimeZoneOffset: frame.timeZoneOffset,
    epcList: [...epcList],
    action: 'OBSERVE' as const,
    bizStep: frame.bizStep,
    readPoint: { id: frame.readPoint },
    bizLocation: { id: frame.bizLocation },
    ...frame.extensions,
  };
  return withEventId(event) as ObjectEvent;
}

/**
 * A pallet seen with its cases: action OBSERVE, because the door confirms an
 * aggregation that already exists (ADD would claim the pallet was built here,
 * DELETE that it was broken up).
 */
export function buildAggregationEvent(
  frame: EventFrame,
  parentId: string,
  childEpcs: readonly string[],
): AggregationEvent {
  const event = {
    type: 'AggregationEvent' as const,
    eventTime: isoTime(frame.eventTimeMs),
    eventTimeZoneOffset: frame.timeZoneOffset,
    parentID: parentId,
    childEPCs: [...childEpcs],
    action: 'OBSERVE' as const,
    bizStep: frame.bizStep,
    readPoint: { id: frame.readPoint },
    bizLocation: { id: frame.bizLocation },
    ...frame.extensions,
  };
  return withEventId(event) as AggregationEvent;
}

/**
 * A count is a snapshot of the shelf after the round's changes: at one instant it goes after every
 * movement. Ordered by event id alone, a count could reach the ledger before the removal of the same
 * round, which then books the taken item missing (Shrinkage) instead of moving it to the sales floor.
 */
function countsLast(event: EpcisEvent): number {
  return event.bizStep === 'cycle_counting' ? 1 : 0;
}

/** Deterministic output order: event time, movements before counts, then event id. */
export function compareEvents(a: EpcisEvent, b: EpcisEvent): number {
  if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime ? -1 : 1;
  const rank = countsLast(a) - countsLast(b);
  if (rank !== 0) return rank;
  return a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0;
}

export function sortEvents(events: EpcisEvent[]): EpcisEvent[] {
  return events.length > 1 ? events.sort(compareEvents) : events;
}
