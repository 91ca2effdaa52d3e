import { EPCIS_CONTEXT } from '../../../shared/src/contracts/epcis.js';

/**
 * A simulated supplier that announces a shipment the GS1 way (an ASN as EPCIS events) to the receiver's EPCIS 2.0
 * capture interface before the truck leaves: per pallet a `packing` AggregationEvent (SSCC → cases), then one
 * `shipping` ObjectEvent of all the pallets naming the receiver (destinationList) and the purchase order
 * (bizTransactionList). What `npm start` and receiving's ASN matching consume.
 */
export interface ShipmentAnnouncement {
  /** Supplier's shipping location (SGLN URN); not one of the receiver's locations, so nothing is booked. */
  shipFrom: string;
  /** Receiver's location (SGLN URN or our location URN) the shipment is for. */
  shipTo: string;
  /** Purchase-order and despatch-advice references (business transaction URIs). */
  purchaseOrder: string;
  despatchAdvice?: string;
  pallets: { sscc: string; cases: string[] }[];
  /** ISO 8601 time of packing; shipping follows one minute later. */
  packedAt: string;
}

export function shipmentDocument(shipment: ShipmentAnnouncement): Record<string, unknown> {
  const packedMs = Date.parse(shipment.packedAt);
  const packing = shipment.pallets.map((pallet, index) => ({
    type: 'AggregationEvent',
    eventTime: new Date(packedMs + index).toISOString(),
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'packing',
    disposition: 'in_progress',
    readPoint: { id: shipment.shipFrom },
    parentID: pallet.sscc,
    childEPCs: pallet.cases,
  }));
  const transactions = [
    { type: 'po', bizTransaction: shipment.purchaseOrder },
    ...(shipment.despatchAdvice ? [{ type: 'desadv', bizTransaction: shipment.despatchAdvice }] : []),
  ];
  const shipping = {
    type: 'ObjectEvent',
    eventTime: new Date(packedMs + 60_000).toISOString(),
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    readPoint: { id: shipment.shipFrom },
    epcList: shipment.pallets.map((pallet) => pallet.sscc),
    bizTransactionList: transactions,
    destinationList: [{ type: 'location', destination: shipment.shipTo }],
  };
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(packedMs + 60_000).toISOString(),
    epcisBody: { eventList: [...packing, shipping] },
  };
}

/** Posts the announcement to `<baseUrl>/capture`; resolves to the capture job's path (`/capture/{id}`). */
export async function announceShipment(
  baseUrl: string,
  token: string,
  shipment: ShipmentAnnouncement,
  requestTimeoutMs = 10_000,
): Promise<string> {
  const response = await fetch(new URL('capture', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
    body: JSON.stringify(shipmentDocument(shipment)),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const location = response.headers.get('location');
  await response.arrayBuffer();
  if (response.status !== 202 || location === null) throw new Error(`capture refused the ASN: HTTP ${response.status}`);
  return location;
}
