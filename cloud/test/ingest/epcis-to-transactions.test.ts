import { describe, expect, it } from 'vitest';
import { buildEpcisDocument, EpcisDocumentSchema, type EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';
import { mapEpcisDocument } from '../../src/ingest/epcis-to-transactions.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { gtinOfEpcClass, gtinOfEpcUrn, sgtinUrn } from '../../src/ledger/epc-product.js';
import { openLedgerStore } from '../../src/store/open.js';

const GTIN = '00614141073467';
const epc = (serial: number) => sgtinUrn(GTIN, 7, String(serial));
const DOOR = 'urn:stockwire:loc:store-1:dock-1';
const SHELF = 'urn:stockwire:loc:store-1:shelf-1';
const source = { siteId: 'store-1', gatewayId: 'door-1' };

function event(
  bizStep: EpcisEvent['bizStep'],
  location: string,
  epcList: string[],
  extra: Record<string, unknown> = {},
): EpcisEvent {
  return withEventId({
    type: 'ObjectEvent',
    eventTime: '2026-11-25T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep,
    readPoint: { id: location },
    bizLocation: { id: location },
    epcList,
    ...extra,
  }) as EpcisEvent;
}

const documentOf = (...events: EpcisEvent[]) =>
  EpcisDocumentSchema.parse(
    buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: 'door-1', sequence: 1 }),
  );

describe('EPC → product', () => {
  it.each([
    ['urn:epc:id:sgtin:0614141.812345.6789', '80614141123458'],
    ['urn:epc:id:sgtin:0614141.107346.2017', '10614141073464'],
    ['urn:epc:id:sscc:0614141.1234567890', undefined],
    ['urn:epc:raw:96.x3074257BF7194E4000001A85', undefined],
  ])('%s → %s', (urn, gtin) => expect(gtinOfEpcUrn(urn)).toBe(gtin));
  it('round-trips sgtinUrn and reads class patterns', () => {
    expect(gtinOfEpcUrn(epc(5))).toBe(GTIN);
    expect(gtinOfEpcClass('urn:epc:idpat:sgtin:0614141.007346.*')).toBe(GTIN);
    expect(gtinOfEpcClass('https://id.gs1.org/01/00614141073467')).toBe(GTIN);
  });
});

describe('mapEpcisDocument', () => {
  it.each([
    ['receiving', DOOR, { type: 'receipt', location: DOOR, flags: ['no_po_cost'] }],
    ['shipping', DOOR, { type: 'transfer', from: DOOR, to: 'urn:stockwire:loc:store-1:in-transit' }],
    [
      'shipping',
      'urn:stockwire:loc:store-1:in-transit', // a portal's outbound location, as the gateway sends it
      { type: 'transfer', from: 'urn:stockwire:loc:store-1:backroom', to: 'urn:stockwire:loc:store-1:in-transit' },
    ],
    [
      'stocking',
      SHELF,
      { type: 'transfer', from: 'urn:stockwire:loc:store-1:backroom', to: SHELF, registerUnknownEpcs: true },
    ],
    [
      'removing',
      SHELF,
      { type: 'transfer', from: SHELF, to: 'urn:stockwire:loc:store-1:sales-floor', epcsOnlyFromSource: true },
    ],
    ['cycle_counting', SHELF, { type: 'count', location: SHELF }],
    ['retail_selling', SHELF, { type: 'sale', location: SHELF }],
  ] as const)('maps %s', (bizStep, location, expected) => {
    const input = event(bizStep, location, [epc(1), epc(2)]);
    const { transactions, skipped } = mapEpcisDocument(documentOf(input), source);
    expect(skipped).toEqual([]);
    expect(transactions).toEqual([
      expect.objectContaining({
        ...expected,
        id: input.eventID,
        epcs: [epc(1), epc(2)],
        time: '2026-11-25T10:00:00.000Z',
        site: 'store-1',
        source: { kind: 'rfid', gatewayId: 'door-1', eventId: input.eventID },
      }),
    ]);
  });

  it('uses configured site locations, books single-class quantities, skips what carries no items', () => {
    const catalog = buildCatalog({
      sites: [{ id: 'store-1', defaultLocation: 'urn:stockwire:loc:store-1:stockroom' }],
    });
    const aggregation = withEventId({
      type: 'AggregationEvent',
      eventTime: '2026-11-25T10:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      action: 'ADD',
      bizStep: 'receiving',
      readPoint: { id: DOOR },
      bizLocation: { id: DOOR },
      parentID: 'urn:epc:id:sscc:0614141.1234567890',
      childEPCs: [epc(1)],
    }) as EpcisEvent;
    const classLevel = event('receiving', DOOR, [], {
      quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0614141.007346.*', quantity: 12 }],
    });
    const empty = event('retail_selling', SHELF, []);
    const stocking = event('stocking', SHELF, [epc(3)]);
    const { transactions, skipped } = mapEpcisDocument(
      documentOf(aggregation, classLevel, empty, stocking),
      source,
      catalog,
    );
    expect(transactions).toEqual([
      expect.objectContaining({ type: 'receipt', product: GTIN, qty: '12' }),
      expect.objectContaining({ type: 'transfer', from: 'urn:stockwire:loc:store-1:stockroom', to: SHELF }),
    ]);
    expect(skipped.map((entry) => entry.eventId)).toEqual([aggregation.eventID, empty.eventID]);
    expect(skipped[0]?.reason).toContain('carries no quantity');
  });

  it('feeds the ledger: dock receipt, shelf stocking, POS sale, then GET-/stock-style positions', async () => {
    const store = await openLedgerStore(
      { kind: 'memory' },
      buildCatalog({ products: [{ gtin: GTIN, standardCost: '2.25' }] }),
    );
    const receiving = event('receiving', DOOR, [epc(1), epc(2), epc(3)]);
    const stocking = event('stocking', SHELF, [epc(1), epc(2)]);
    const selling = event('retail_selling', SHELF, [epc(1)]);
    const { transactions } = mapEpcisDocument(documentOf(receiving, stocking, selling), source);
    const results = await store.applyBatch(transactions);
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(results[0]?.flags).toContain('no_po_cost');
    const stock = Object.fromEntries((await store.stock()).map((row) => [row.location, row.qty]));
    expect(stock).toEqual({ [DOOR]: '1', [SHELF]: '1' });
    // The same document again (QoS 1 redelivery) changes nothing.
    expect((await store.applyBatch(transactions)).map((result) => result.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect((await store.check()).ok).toBe(true);
    await store.close();
  });

  it('registers items a shelf reader sees stocked that the books never had, as found stock on the shelf', async () => {
    const store = await openLedgerStore(
      { kind: 'memory' },
      buildCatalog({ products: [{ gtin: GTIN, standardCost: '2.25' }] }),
    );
    const receiving = event('receiving', DOOR, [epc(1)]);
    // epc(1) moves from where the books have it; epc(2) and epc(3) were never received anywhere.
    const stocking = event('stocking', SHELF, [epc(1), epc(2), epc(3)]);
    const removing = event('removing', SHELF, [epc(3)], { eventTime: '2026-11-25T10:05:00.000Z' });
    const { transactions } = mapEpcisDocument(documentOf(receiving, stocking, removing), source);
    const results = await store.applyBatch(transactions);
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(results[1]?.flags).toEqual(expect.arrayContaining(['epc_moved_from_elsewhere', 'epc_registered']));
    const stock = Object.fromEntries((await store.stock()).map((row) => [row.location, row.qty]));
    expect(stock).toEqual({ [DOOR]: '0', [SHELF]: '2', 'urn:stockwire:loc:store-1:sales-floor': '1' });
    expect((await store.epcHistory(epc(2))).current).toMatchObject({ location: SHELF, status: 'in_stock' });
    expect((await store.check()).ok).toBe(true);
    await store.close();
  });
});
