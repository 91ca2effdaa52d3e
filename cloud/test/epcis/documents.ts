import { EPCIS_CONTEXT } from '../../../shared/src/contracts/epcis.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';
import { SERIAL } from '../store/contract.js';

export const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
export const DOOR = 'urn:epc:id:sgln:0614141.00001.3';
export const PALLET = 'urn:epc:id:sscc:0614141.1234567890';
export const caseEpc = (serial: number) => sgtinUrn(SERIAL, 7, String(serial));

/** A receiving ObjectEvent the ledger books. */
export function receivingEvent(serials: number[], minute = 0): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: `2026-12-04T10:${String(minute).padStart(2, '0')}:00.000+01:00`,
    eventTimeZoneOffset: '+01:00',
    action: 'OBSERVE',
    bizStep: 'receiving',
    readPoint: { id: DOOR },
    bizLocation: { id: BACKROOM },
    epcList: serials.map(caseEpc),
  };
}

/** A supplier's packing AggregationEvent (an ASN line): stored and queryable, not booked. */
export function packingEvent(serials: number[]): Record<string, unknown> {
  return {
    type: 'AggregationEvent',
    eventTime: '2026-12-03T08:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'packing',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00009.0' },
    parentID: PALLET,
    childEPCs: serials.map(caseEpc),
  };
}

export function shippingToUs(): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: '2026-12-03T09:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'departing',
    readPoint: { id: 'urn:epc:id:sgln:0614141.00009.0' },
    epcList: [PALLET],
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-1001' }],
    destinationList: [{ type: 'location', destination: 'urn:epc:id:sgln:0614141.00001.0' }],
  };
}

export function epcisDocument(events: readonly Record<string, unknown>[]): Record<string, unknown> {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-12-04T09:00:00.000Z',
    epcisBody: { eventList: events },
  };
}
