import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';

/**
 * A valid ObjectEvent numbered `index`; the id is deterministic, as the engine's are.
 * It is a receipt the cloud ledger accepts with the demo catalogue (config/demo):
 * one case of GTIN 10614141000019 with serial `index`, through door 3 into the backroom
 * of store-1, so the reliability tests can check the real ledger.
 */
export function sampleEvent(index: number, gatewayId = 'gw-1'): EpcisEvent {
  return withEventId({
    type: 'ObjectEvent' as const,
    eventTime: new Date(Date.UTC(2026, 10, 25, 10, 0, 0) + index).toISOString(),
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE' as const,
    bizStep: 'receiving' as const,
    readPoint: { id: 'urn:stockwire:loc:store-1:door-3' },
    bizLocation: { id: 'urn:stockwire:loc:store-1:backroom' },
    epcList: [`urn:epc:id:sgtin:0614141.100001.${index + 1}`],
    'stockwire:gateway': gatewayId,
    'stockwire:index': index,
  });
}
