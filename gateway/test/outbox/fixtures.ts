import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';

/** A valid ObjectEvent numbered `index`; the id is deterministic, as the engine's are. */
export function sampleEvent(index: number, gatewayId = 'gw-1'): EpcisEvent {
  return withEventId({
    type: 'ObjectEvent' as const,
    eventTime: new Date(Date.UTC(2026, 10, 25, 10, 0, 0) + index).toISOString(),
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE' as const,
    bizStep: 'receiving' as const,
    readPoint: { id: 'urn:epc:id:sgln:4012345.00001.1' },
    bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0' },
    epcList: [`urn:epc:id:sgtin:4012345.011111.${index}`],
    'stockwire:gateway': gatewayId,
    'stockwire:index': index,
  });
}
