import type { ObjectEvent } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';

/** What every event of a pass through store-1's dock door 3 into its backroom shares (at a fixed time). */
export const DOOR_3_RECEIVING = {
  eventTime: '2026-11-25T10:00:00.000Z',
  eventTimeZoneOffset: '+00:00',
  action: 'OBSERVE' as const,
  bizStep: 'receiving' as const,
  readPoint: { id: 'urn:stockwire:loc:store-1:door-3' },
  bizLocation: { id: 'urn:stockwire:loc:store-1:backroom' },
};

/**
 * A receiving ObjectEvent through door-3 of store-1 into its backroom at a fixed
 * time, with its deterministic eventID. `fields` name the EPCs and may add or
 * override anything else (e.g. `stockwire:readCount`).
 */
export function receivingEvent(fields: { epcList: string[] } & Record<string, unknown>): ObjectEvent {
  return withEventId({ type: 'ObjectEvent' as const, ...DOOR_3_RECEIVING, ...fields });
}
