import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceShipment, shipmentDocument, type ShipmentAnnouncement } from '../src/epcis/supplier.js';
import type { StoredEventInput } from '../../cloud/src/epcis/event-store.js';
import { caseEpc, PALLET } from '../../cloud/test/epcis/documents.js';
import {
  READ_TOKEN,
  WRITE_TOKEN,
  gs1SchemaValidator,
  startEpcisInstance,
  type EpcisTestInstance,
} from '../../cloud/test/epcis/harness.js';

const SHIPMENT: ShipmentAnnouncement = {
  shipFrom: 'urn:epc:id:sgln:0614141.00009.0',
  shipTo: 'urn:epc:id:sgln:0614141.00001.0',
  purchaseOrder: 'urn:epcglobal:cbv:bt:0614141000005:PO-1001',
  despatchAdvice: 'urn:epcglobal:cbv:bt:0614141000005:ASN-77',
  pallets: [{ sscc: PALLET, cases: [caseEpc(1), caseEpc(2)] }],
  packedAt: '2026-12-04T06:00:00.000Z',
};

describe('the simulated supplier announces an ASN through /capture', () => {
  let instance: EpcisTestInstance;
  const heard: StoredEventInput[] = [];
  beforeAll(async () => {
    instance = await startEpcisInstance();
    instance.epcis.capture.onEventsStored((events) => heard.push(...events));
  });
  afterAll(async () => {
    await instance.stop();
  });

  it('sends a document the official GS1 schema accepts', () => {
    expect(gs1SchemaValidator()(shipmentDocument(SHIPMENT))).toBe(true);
  });

  it('is stored (not booked) and reaches the receiving hook: packing then shipping', async () => {
    const job = await announceShipment(instance.url, WRITE_TOKEN, SHIPMENT);
    await instance.epcis.capture.idle();
    const status = await fetch(`${instance.url}${job}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(await status.json()).toMatchObject({ success: true, errors: [] });
    expect(heard.map((event) => [event.eventType, event.bizStep])).toEqual([
      ['AggregationEvent', 'packing'],
      ['ObjectEvent', 'shipping'],
    ]);
    expect(heard[0]?.parentId).toBe('https://id.gs1.org/00/106141412345678908');
    expect(await instance.ledger.stock()).toEqual([]);
  });
});
