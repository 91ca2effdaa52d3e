import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { buildEpcisDocument } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { apiRequester, connectClient, startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { DOOR_3_RECEIVING } from '../support/epcis-events.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'capture-receiving-writer-01';
const EVENTS_TOPIC = 'stockwire/v1/store-1/dock-gw-1/events';
const COLA = '10614141000019'; // demo catalog
const WATER = '10614141000026';
const cola = (serial: number) => `urn:epc:id:sgtin:0614141.100001.${serial}`;
const water = (serial: number) => `urn:epc:id:sgtin:0614141.100002.${serial}`;
const PALLET = 'urn:epc:id:sscc:0614141.0000000077';
const CASES = [cola(1), cola(2), cola(3), water(1), water(2)];
const PACKED_AT = { eventTime: '2026-11-25T08:00:00.000Z', eventTimeZoneOffset: '+00:00' };

interface AsnView {
  id: string;
  source: string;
  status: string;
  purchaseOrder: string;
  pallets: { sscc: string }[];
  summary: Record<string, number>;
}

/**
 * The ASN the GS1 way, as simulators/src/demo-supplier.ts sends it: an EPCISDocument with a packing
 * AggregationEvent (pallet → cases) and a shipping ObjectEvent naming the PO and our door, posted to
 * the EPCIS 2.0 capture interface (`POST /capture`, 202 + capture job). Bare CBV words and a
 * `urn:uuid` event id, exactly like the demo; the packing event carries no id (capture assigns one).
 */
function supplierAsnDocument(): unknown {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: PACKED_AT.eventTime,
    epcisBody: {
      eventList: [
        {
          type: 'AggregationEvent',
          ...PACKED_AT,
          action: 'ADD',
          bizStep: 'packing',
          parentID: PALLET,
          childEPCs: CASES,
        },
        {
          type: 'ObjectEvent',
          ...PACKED_AT,
          eventID: 'urn:uuid:capture-test-shipping-1',
          action: 'OBSERVE',
          bizStep: 'shipping',
          epcList: [PALLET],
          bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-CAP-1' }],
          destinationList: [{ type: 'location', destination: 'urn:stockwire:loc:store-1:door-3' }],
        },
      ],
    },
  };
}

/** The dock door's pass of that pallet, as the gateway publishes it: every announced case read. */
function dockDoorDocument() {
  return buildEpcisDocument(
    [
      withEventId({ type: 'AggregationEvent' as const, ...DOOR_3_RECEIVING, parentID: PALLET, childEPCs: CASES }),
      withEventId({ type: 'ObjectEvent' as const, ...DOOR_3_RECEIVING, epcList: [PALLET, ...CASES] }),
    ],
    { creationDate: DOOR_3_RECEIVING.eventTime, gatewayId: 'dock-gw-1', sequence: 1 },
  );
}

/**
 * ASN through EPCIS capture → receiving ASN → the dock receipt matched against it, all over real
 * sockets on 127.0.0.1: the cloud service's HTTP API (capture and receiving on one server) and a
 * dock gateway's document over real MQTT (embedded aedes). Captured events are stored, never booked;
 * receiving turns the packing + shipping pair into its ASN after the capture commits.
 */
describe('an ASN captured through POST /capture is matched at the dock door', () => {
  let harness: CloudHarness;
  let gateway: MqttClient;
  const request = (method: string, path: string, body?: unknown) => apiRequester(harness, TOKEN)(method, path, body);
  const json = async <T>(path: string): Promise<T> => (await (await request('GET', path)).json()) as T;
  const capturedAsn = async () =>
    (await json<{ items: AsnView[] }>('/asns')).items.find((asn) => asn.pallets.some((p) => p.sscc === PALLET));

  beforeAll(async () => {
    harness = await startCloudHarness({ http: { tokens: [{ token: TOKEN, scopes: ['read', 'write'] }] } });
    gateway = await connectClient(harness.mqttUrl, 'dock-gw-1');
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await harness?.stop();
  });

  it('captures the ASN, creates the receiving ASN, and matches the dock receipt at PO price', async () => {
    const order = {
      id: 'PO-CAP-1',
      supplier: 'acme-beverages',
      site: 'store-1',
      lines: [
        { gtin: COLA, qty: '3', unitPrice: '9.10' },
        { gtin: WATER, qty: '2', unitPrice: '4.00' },
      ],
    };
    expect((await request('POST', '/purchase-orders', order)).status).toBe(201);

    const captured = await request('POST', '/capture', supplierAsnDocument());
    expect(captured.status).toBe(202);
    const job = captured.headers.get('location');
    expect(job).toMatch(/^\/capture\//);
    const done = await waitFor(
      async () => {
        const status = await json<{ running: boolean; success: boolean; errors: unknown[] }>(job!);
        return status.running ? undefined : status;
      },
      10_000,
      'the capture job to finish',
    );
    expect(done).toMatchObject({ success: true, errors: [] });

    const announced = await waitFor(capturedAsn, 10_000, 'receiving to create the ASN from the captured events');
    expect(announced).toMatchObject({ source: 'epcis', status: 'open', purchaseOrder: 'PO-CAP-1' });
    expect(announced.summary).toMatchObject({ received: 0 });
    // Captured supplier events are stored, not booked: nothing is in stock before the door reads it.
    expect((await json<{ items: unknown[] }>('/stock')).items).toEqual([]);

    await gateway.publishAsync(EVENTS_TOPIC, JSON.stringify(dockDoorDocument()), { qos: 1 });
    const matched = await waitFor(
      async () => {
        const asn = await json<AsnView>(`/asns/${announced.id}`);
        return asn.summary.palletsArrived === 1 ? asn : undefined;
      },
      10_000,
      'the dock receipt to match the captured ASN',
    );
    expect(matched.summary).toMatchObject({ received: 5, inferred: 0, short: 0, unexpectedOpen: 0 });

    const po = await json<{ lines: { receivedQty: string; receivedValue: string }[] }>('/purchase-orders/PO-CAP-1');
    // Booked at the PO price the captured ASN pointed to (3 × 9.10, 2 × 4.00), not the catalog's standard cost.
    expect(po.lines.map((line) => [line.receivedQty, line.receivedValue])).toEqual([
      ['3', '27.3'],
      ['2', '8'],
    ]);
  });
});
