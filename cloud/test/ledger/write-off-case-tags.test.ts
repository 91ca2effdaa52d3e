import { afterEach, describe, expect, it } from 'vitest';
import type { EpcisDocument, EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { mapEpcisDocument } from '../../src/ingest/epcis-to-transactions.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';

// Store physics in the books: damaged items written off by EPC, cases opened with their tags read.
const CASE = '10614141000019';
const EACH = '00614141200023';
const caseEpc = (serial: number) => `urn:epc:id:sgtin:0614141.100001.${serial}`;
const eachEpc = (serial: number) => `urn:epc:id:sgtin:0614141.020002.${serial}`;
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const FLOOR = 'urn:stockwire:loc:store-1:sales-floor';
const catalog = () =>
  buildCatalog({
    products: [
      { gtin: CASE, contains: { product: EACH, qty: '2' }, standardCost: '4' },
      { gtin: EACH, standardCost: '2' },
    ],
    locations: [
      { id: BACKROOM, site: 'store-1', kind: 'backroom' },
      { id: SHELF, site: 'store-1', kind: 'shelf' },
    ],
  });

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

async function ledger(...inputs: TransactionInput[]) {
  const store = await openLedgerStore({ kind: 'memory' }, catalog());
  open.push(store);
  const results = await store.applyBatch(inputs.map((input) => TransactionSchema.parse(input)));
  const qty = async (product: string, location: string) => (await store.stock({ product, location }))[0]?.qty ?? '0';
  const status = async (epc: string) => (await store.epcHistory(epc)).current;
  const balances = Object.fromEntries((await store.trialBalance()).accounts.map((row) => [row.account, row.balance]));
  const check = await store.check();
  return { results, qty, status, balances, check };
}

describe('write-off by EPC (adjustment with epcs)', () => {
  it('takes a damaged item out of stock from where the books hold it, to Inventory Adjustment', async () => {
    const books = await ledger(
      { type: 'receipt', id: 'r1', location: BACKROOM, epcs: [eachEpc(1), eachEpc(2)], unitCost: '2' },
      { type: 'transfer', id: 't1', from: BACKROOM, to: SHELF, epcs: [eachEpc(1), eachEpc(2)] },
      // Found on the sales floor, but the books have it on the shelf: it leaves from the shelf.
      { type: 'adjustment', id: 'w1', location: FLOOR, epcs: [eachEpc(1)], reason: 'damage' },
    );
    expect(books.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(await books.qty(EACH, SHELF)).toBe('1');
    expect((await books.status(eachEpc(1)))?.status).toBe('missing');
    expect(books.balances['Inventory Adjustment']).toBe('2');
    expect(books.check.ok).toBe(true);
  });

  it('books nothing for an EPC no longer in stock, and flags it', async () => {
    const books = await ledger(
      { type: 'receipt', id: 'r1', location: SHELF, epcs: [eachEpc(1)], unitCost: '2' },
      { type: 'count', id: 'c1', location: SHELF, epcs: [] },
      { type: 'adjustment', id: 'w1', location: SHELF, epcs: [eachEpc(1)], reason: 'damage' },
    );
    expect(books.results[2]).toMatchObject({ status: 'applied', flags: expect.arrayContaining(['epc_not_in_stock']) });
    expect(books.balances['Inventory Adjustment'] ?? '0').toBe('0');
  });

  it('refuses qty and epcs together, and an adjustment with neither', () => {
    const base = { type: 'adjustment', id: 'w', location: SHELF, reason: 'damage' } as const;
    expect(TransactionSchema.safeParse({ ...base, product: EACH, qty: '-1', epcs: [eachEpc(1)] }).success).toBe(false);
    expect(TransactionSchema.safeParse({ ...base }).success).toBe(false);
    expect(TransactionSchema.safeParse({ ...base, product: EACH, qty: '-1' }).success).toBe(true);
  });
});

describe('unpack with the case tag and the items read coming out', () => {
  it('retires the case EPC and books the items serialised in the backroom at the case value', async () => {
    const books = await ledger(
      { type: 'receipt', id: 'r1', location: BACKROOM, epcs: [caseEpc(1)], unitCost: '4' },
      {
        type: 'unpack',
        id: 'u1',
        product: CASE,
        qty: '1',
        location: BACKROOM,
        epcs: [caseEpc(1)],
        contentEpcs: [eachEpc(1), eachEpc(2)],
      },
      // The shelf reader sees them stocked: they move from the backroom, nothing is registered as found.
      { type: 'transfer', id: 't1', from: BACKROOM, to: SHELF, epcs: [eachEpc(1), eachEpc(2)] },
    );
    expect(books.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(books.results[2]?.flags ?? []).not.toContain('epc_registered');
    expect(await books.qty(CASE, BACKROOM)).toBe('0');
    expect(await books.qty(EACH, SHELF)).toBe('2');
    expect((await books.status(caseEpc(1)))?.status).toBe('missing');
    expect(books.balances['Inventory Adjustment'] ?? '0').toBe('0');
    expect(books.check.ok).toBe(true);
  });

  it('serialises at most the units unpacked', async () => {
    const books = await ledger(
      { type: 'receipt', id: 'r1', location: BACKROOM, epcs: [caseEpc(1)], unitCost: '4' },
      {
        type: 'unpack',
        id: 'u1',
        product: CASE,
        qty: '1',
        location: BACKROOM,
        epcs: [caseEpc(1)],
        contentEpcs: [eachEpc(1), eachEpc(2), eachEpc(3)],
      },
    );
    expect(books.results[1]).toMatchObject({
      status: 'applied',
      flags: expect.arrayContaining(['content_epc_not_booked']),
    });
    expect(await books.status(eachEpc(3))).toBeNull();
    expect(books.check.ok).toBe(true);
  });
});

const document = (event: Record<string, unknown>): EpcisDocument =>
  ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-12-04T10:00:00.000Z',
    epcisBody: {
      eventList: [
        {
          eventID: 'ni:///sha-256;x',
          eventTime: '2026-12-04T10:00:00.000Z',
          eventTimeZoneOffset: '+00:00',
          readPoint: { id: BACKROOM },
          bizLocation: { id: BACKROOM },
          ...event,
        } as unknown as EpcisEvent,
      ],
    },
  }) as EpcisDocument;
const map = (event: Record<string, unknown>) =>
  mapEpcisDocument(document(event), { siteId: 'store-1', gatewayId: 'handheld' }, catalog());

describe('EPCIS mapping of the store physics', () => {
  it('maps destroying / damaged to a write-off of the EPCs, or of a class quantity', () => {
    const byEpc = map({
      type: 'ObjectEvent',
      action: 'DELETE',
      bizStep: 'destroying',
      disposition: 'damaged',
      epcList: [eachEpc(1)],
    });
    expect(byEpc.transactions).toEqual([
      expect.objectContaining({ type: 'adjustment', epcs: [eachEpc(1)], reason: 'damage', location: BACKROOM }),
    ]);
    const byClass = map({
      type: 'ObjectEvent',
      action: 'DELETE',
      bizStep: 'destroying',
      disposition: 'urn:epcglobal:cbv:disp:destroyed',
      epcList: [],
      quantityList: [{ epcClass: EACH, quantity: 1 }],
    });
    expect(byClass.transactions).toEqual([
      expect.objectContaining({ type: 'adjustment', product: EACH, qty: '-1', reason: 'write_off' }),
    ]);
  });

  it('maps a case opened (AggregationEvent DELETE, unpacking) to an unpack; a pallet aggregation is still skipped', () => {
    const opened = map({
      type: 'AggregationEvent',
      action: 'DELETE',
      bizStep: 'unpacking',
      parentID: caseEpc(1),
      childEPCs: [eachEpc(1), eachEpc(2)],
    });
    expect(opened.skipped).toEqual([]);
    expect(opened.transactions).toEqual([
      expect.objectContaining({
        type: 'unpack',
        product: CASE,
        qty: '1',
        location: BACKROOM,
        epcs: [caseEpc(1)],
        contentEpcs: [eachEpc(1), eachEpc(2)],
      }),
    ]);
    const pallet = map({
      type: 'AggregationEvent',
      action: 'ADD',
      bizStep: 'receiving',
      parentID: 'urn:epc:id:sscc:0614141.1234567890',
      childEPCs: [caseEpc(1)],
    });
    expect(pallet.transactions).toEqual([]);
    expect(pallet.skipped).toHaveLength(1);
  });
});
