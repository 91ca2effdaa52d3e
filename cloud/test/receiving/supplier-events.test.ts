import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { cbvWord, applySupplierEvent } from '../../src/receiving/supplier-events.js';
import { PurchaseOrderInputSchema, ReceivingConfigSchema } from '../../src/receiving/schemas.js';
import { ReceivingService } from '../../src/receiving/service.js';
import { SqliteReceivingStore } from '../../src/receiving/store/sqlite-store.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { receivingCatalog } from './contract.js';
import { SOAP, soap, sscc } from './fixtures.js';

describe('CBV words in their three spellings', () => {
  it.each([
    ['packing', 'packing'],
    ['urn:epcglobal:cbv:bizstep:packing', 'packing'],
    ['https://ref.gs1.org/cbv/BizStep-shipping', 'shipping'],
    ['urn:epcglobal:cbv:btt:po', 'po'],
    ['https://ref.gs1.org/cbv/BTT-po', 'po'],
  ])('%s → %s', (value, word) => expect(cbvWord(value)).toBe(word));
});

describe('applySupplierEvent: packing + shipping make an ASN', () => {
  let ledger: LedgerStore;
  let service: ReceivingService;
  const catalog = receivingCatalog();
  const time = { eventTime: '2026-11-25T08:00:00.000Z', eventTimeZoneOffset: '+00:00' };
  const packing = (pallet: number, cases: string[]) => ({
    type: 'AggregationEvent',
    ...time,
    action: 'ADD',
    bizStep: 'packing',
    parentID: sscc(pallet),
    childEPCs: cases,
  });
  const shipping = (pallets: number[], extra: Record<string, unknown> = {}) => ({
    type: 'ObjectEvent',
    ...time,
    eventID: `ship-${pallets.join('-')}`,
    action: 'OBSERVE',
    bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
    epcList: pallets.map(sscc),
    bizTransactionList: [
      { type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000005:PO-5' },
    ],
    destinationList: [{ type: 'urn:epcglobal:cbv:sdt:location', destination: 'urn:stockwire:loc:store-1:backroom' }],
    ...extra,
  });

  beforeAll(async () => {
    ledger = await openLedgerStore({ kind: 'memory' }, catalog);
    service = new ReceivingService(SqliteReceivingStore.open(':memory:'), ledger, ReceivingConfigSchema.parse({}), {
      logger: silentLogger(),
      clock: new ManualClock(0),
    });
    await service.createPurchaseOrder(
      PurchaseOrderInputSchema.parse({
        id: 'PO-5',
        supplier: 'acme',
        site: 'store-1',
        lines: [{ gtin: SOAP, qty: '4', unitPrice: '2' }],
      }),
    );
  });
  afterAll(async () => {
    await service.store.close();
    await ledger.close();
  });

  it('records packings, then builds the ASN from the shipping event (twice: a duplicate)', async () => {
    expect(await applySupplierEvent(service, catalog, packing(1, [soap(1), soap(2)]))).toEqual({
      kind: 'packing_recorded',
      sscc: sscc(1),
      cases: 2,
    });
    await applySupplierEvent(service, catalog, packing(2, [soap(3), soap(4)]));
    const first = await applySupplierEvent(service, catalog, shipping([1, 2]));
    expect(first.kind === 'asn' && first.result.status).toBe('created');
    const again = await applySupplierEvent(service, catalog, shipping([1, 2]));
    expect(again.kind === 'asn' && again.result.status).toBe('duplicate');
    if (first.kind !== 'asn') throw new Error('no ASN');
    expect(first.result.body).toMatchObject({
      supplier: 'acme',
      purchaseOrder: 'PO-5',
      site: 'store-1',
      source: 'epcis',
    });
    expect(first.result.body.pallets.map((pallet) => pallet.cases.length)).toEqual([2, 2]);
  });

  it.each([
    {
      name: 'no destination of ours',
      event: shipping([1], { destinationList: [{ type: 'location', destination: 'urn:epc:id:sgln:999.1.0' }] }),
      code: 'SW_RECEIVING_SUPPLIER_EVENT_UNUSABLE',
    },
    { name: 'no PO', event: shipping([1], { bizTransactionList: [] }), code: 'SW_RECEIVING_SUPPLIER_EVENT_UNUSABLE' },
    {
      name: 'an unknown PO',
      event: shipping([1], { bizTransactionList: [{ type: 'po', bizTransaction: 'PO-404' }] }),
      code: 'SW_RECEIVING_UNKNOWN_PURCHASE_ORDER',
    },
    { name: 'a pallet never packed', event: shipping([9]), code: 'SW_RECEIVING_SUPPLIER_EVENT_UNUSABLE' },
    { name: 'packing without children', event: packing(3, []), code: 'SW_RECEIVING_SUPPLIER_EVENT_UNUSABLE' },
    { name: 'not an event', event: { hello: 'world' }, code: 'SW_RECEIVING_SUPPLIER_EVENT_UNUSABLE' },
  ])('refuses $name with a coded error', async ({ event, code }) => {
    await expect(applySupplierEvent(service, catalog, event)).rejects.toMatchObject({ code });
  });

  it('ignores events that are no ASN (e.g. a supplier-side observation)', async () => {
    const outcome = await applySupplierEvent(service, catalog, {
      type: 'ObjectEvent',
      ...time,
      action: 'OBSERVE',
      bizStep: 'inspecting',
      epcList: [soap(1)],
    });
    expect(outcome.kind).toBe('ignored');
  });
});
