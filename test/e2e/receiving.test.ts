import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { buildEpcisDocument } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { apiRequester, connectClient, startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { DOOR_3_RECEIVING } from '../support/epcis-events.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'receiving-writer-token-01';
const EVENTS_TOPIC = 'stockwire/v1/store-1/dock-gw-1/events';
const COLA = '10614141000019'; // demo catalog, standard cost 9.60
const WATER = '10614141000026'; // standard cost 4.20
const cola = (serial: number) => `urn:epc:id:sgtin:0614141.100001.${serial}`;
const water = (serial: number) => `urn:epc:id:sgtin:0614141.100002.${serial}`;
const PALLET = 'urn:epc:id:sscc:0614141.0000000042';

/**
 * The whole receiving story over real sockets: HTTP API of the real cloud service, the supplier's
 * EPCIS packing + shipping events as the ASN, a dock-door pass over real MQTT (embedded aedes),
 * the pallet received at PO price with a short and an unexpected case, a supplier invoice posting
 * PPV, and the GRNI report tying out to the trial balance.
 */
describe('receiving end to end', () => {
  let harness: CloudHarness;
  let gateway: MqttClient;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await apiRequester(harness, TOKEN)(method, path, body);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    harness = await startCloudHarness({ http: { tokens: [{ token: TOKEN, scopes: ['read', 'write'] }] } });
    gateway = await connectClient(harness.mqttUrl, 'dock-gw-1');
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await harness?.stop();
  });

  it('books an ASN pallet at PO price, flags what is short and unexpected, and matches the invoice', async () => {
    const order = {
      id: 'PO-7',
      supplier: 'acme',
      site: 'store-1',
      lines: [
        { gtin: COLA, qty: '3', unitPrice: '9.10' },
        { gtin: WATER, qty: '2', unitPrice: '4.00', tolerancePercent: 10 },
      ],
    };
    expect((await call('POST', '/purchase-orders', order)).status).toBe(201);
    expect((await call('POST', '/purchase-orders', order)).status).toBe(200);
    expect((await call('POST', '/purchase-orders', { ...order, supplier: 'other' })).body.code).toBe(
      'SW_RECEIVING_ID_CONFLICT',
    );

    const time = { eventTime: '2026-11-25T08:00:00.000Z', eventTimeZoneOffset: '+00:00' };
    const packing = {
      type: 'AggregationEvent',
      ...time,
      action: 'ADD',
      bizStep: 'urn:epcglobal:cbv:bizstep:packing',
      parentID: PALLET,
      childEPCs: [cola(1), cola(2), cola(3), water(1), water(2)],
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.0' },
    };
    const shipping = {
      type: 'ObjectEvent',
      ...time,
      eventID: 'ni:///sha-256;shipping-1',
      action: 'OBSERVE',
      bizStep: 'shipping',
      epcList: [PALLET],
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-7' }],
      destinationList: [{ type: 'location', destination: 'urn:stockwire:loc:store-1:door-3' }],
    };
    const captured = await call('POST', '/receiving/supplier-events', {
      epcisBody: { eventList: [packing, shipping] },
    });
    expect(captured.status).toBe(202);
    const outcomes = captured.body.outcomes as { kind: string; result?: { body: { id: string } } }[];
    expect(outcomes.map((each) => each.kind)).toEqual(['packing_recorded', 'asn']);
    const asnId = outcomes[1]?.result?.body.id as string;

    // The door reads the pallet, 2 of 3 cola cases, both waters and a water case nobody announced.
    const frame = DOOR_3_RECEIVING;
    const read = [cola(1), cola(2), water(1), water(2), water(9)];
    const document = buildEpcisDocument(
      [
        withEventId({ type: 'AggregationEvent' as const, ...frame, parentID: PALLET, childEPCs: read }),
        withEventId({ type: 'ObjectEvent' as const, ...frame, epcList: [PALLET, ...read] }),
      ],
      { creationDate: frame.eventTime, gatewayId: 'dock-gw-1', sequence: 1 },
    );
    await gateway.publishAsync(EVENTS_TOPIC, JSON.stringify(document), { qos: 1 });
    const asn = await waitFor(
      async () => {
        const found = await call('GET', `/asns/${asnId}`);
        return (found.body.summary as { palletsArrived: number }).palletsArrived === 1 ? found.body : undefined;
      },
      10_000,
      'the ASN pallet to arrive',
    );
    // trustAsn (default): cola-3 inferred; water-9 unexpected at standard cost.
    expect(asn.summary).toMatchObject({ received: 4, inferred: 1, short: 0, unexpectedOpen: 1 });
    expect(asn.status).toBe('open');
    const alerts = (await call('GET', '/receiving/alerts')).body.items as { kind: string }[];
    expect(alerts.map((alert) => alert.kind)).toEqual(['asn_unexpected']);

    const panel = (await call('GET', '/dashboard/api/receiving')).body as { asns: { id: string; summary: object }[] };
    expect(panel.asns).toEqual([
      expect.objectContaining({ id: asnId, summary: expect.objectContaining({ unexpectedOpen: 1 }) }),
    ]);

    const po = (await call('GET', '/purchase-orders/PO-7')).body as {
      status: string;
      lines: { receivedQty: string; receivedValue: string }[];
    };
    expect(po.status).toBe('received');
    expect(po.lines.map((line) => [line.receivedQty, line.receivedValue])).toEqual([
      ['3', '27.3'],
      ['2', '8'],
    ]);

    // Keep the unexpected case (already booked at standard cost): the ASN closes.
    expect((await call('POST', `/asns/${asnId}/resolutions`, { id: 'keep-1', kind: 'keep_unexpected' })).status).toBe(
      201,
    );
    expect((await call('GET', `/asns/${asnId}`)).body.status).toBe('closed');

    const invoice = await call('POST', '/supplier-invoices', {
      id: 'INV-7',
      supplier: 'acme',
      invoiceNumber: 'ACME-2026-7',
      lines: [
        { purchaseOrder: 'PO-7', line: 1, qty: '3', unitPrice: '9.25' },
        { purchaseOrder: 'PO-7', line: 2, qty: '2', unitPrice: '4.00' },
      ],
    });
    expect(invoice.status).toBe(201);
    const trial = (await call('GET', '/trial-balance')).body as { accounts: { account: string; balance: string }[] };
    const balances = Object.fromEntries(trial.accounts.map((row) => [row.account, row.balance]));
    // 3 × 9.10 + 2 × 4 = 35.30 received at PO price, plus water-9 at 4.20 standard cost (still in GRNI);
    // invoiced 27.75 + 8 = 35.75, PPV 0.45.
    expect(balances).toMatchObject({ GRNI: '-4.2', 'Accounts Payable': '-35.75', 'Purchase Price Variance': '0.45' });
    const report = (await call('GET', '/reports/grni')).body;
    expect(report).toMatchObject({ glBalance: '4.2', notOnPurchaseOrders: '4.2', difference: '0' });
  });
});
