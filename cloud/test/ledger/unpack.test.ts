import { describe, expect, it } from 'vitest';
import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';
import { mapEpcisDocument } from '../../src/ingest/epcis-to-transactions.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';

const PALLET = '30614141000015';
const CASE = '10614141000019';
const EACH = '00614141200023';
const AVG_CASE = '10614141000026';
const AVG_EACH = '00614141200016';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const catalog = () =>
  buildCatalog({
    products: [
      { gtin: PALLET, contains: { product: CASE, qty: '4' } },
      { gtin: CASE, contains: { product: EACH, qty: '3' } },
      { gtin: EACH },
      { gtin: AVG_CASE, valuation: 'average', contains: { product: AVG_EACH, qty: '12' } },
      { gtin: AVG_EACH, valuation: 'average' },
    ],
    locations: [
      { id: BACKROOM, site: 'store-1', kind: 'backroom' },
      { id: SHELF, site: 'store-1', kind: 'shelf' },
    ],
  });

async function ledger(...inputs: TransactionInput[]) {
  const store = await openLedgerStore({ kind: 'memory' }, catalog());
  const results = await store.applyBatch(inputs.map((input) => TransactionSchema.parse(input)));
  const stock = async (product: string, location = BACKROOM) => (await store.stock({ product, location }))[0];
  const balances = Object.fromEntries((await store.trialBalance()).accounts.map((row) => [row.account, row.balance]));
  return { store, results, stock, balances };
}

const receipt = (id: string, product: string, qty: string, unitCost: string): TransactionInput => ({
  type: 'receipt',
  id,
  product,
  location: BACKROOM,
  qty,
  unitCost,
});
const sale = (id: string, product: string, qty: string, location = BACKROOM): TransactionInput => ({
  type: 'sale',
  id,
  product,
  location,
  qty,
});

describe('unpack: case → each at exactly the same value', () => {
  it('a 10.00 case of 3 becomes 3 eaches worth 10.00; they sell at round(10/3), round(6.6667/2) half-even, and the rest', async () => {
    const { results, stock, balances, store } = await ledger(
      receipt('r1', CASE, '1', '10'),
      { type: 'unpack', id: 'u1', product: CASE, location: BACKROOM, qty: '1' },
      sale('s1', EACH, '1'),
      sale('s2', EACH, '1'),
      sale('s3', EACH, '1'),
    );
    expect(results.map((result) => [result.status, result.valueDelta])).toEqual([
      ['applied', '10'],
      ['applied', '0'],
      ['applied', '-3.3333'],
      ['applied', '-3.3334'],
      ['applied', '-3.3333'],
    ]);
    expect((await stock(CASE))?.qty).toBe('0');
    expect(balances).toMatchObject({ COGS: '10', GRNI: '-10' });
    expect(balances['Inventory:store-1'] ?? '0').toBe('0');
    expect((await store.check()).ok).toBe(true);
  });

  it('keeps FIFO layers apart: two cases at 10.00 and 11.00 give 3 eaches at each cost', async () => {
    const { stock } = await ledger(receipt('r1', CASE, '1', '10'), receipt('r2', CASE, '1', '11'), {
      type: 'unpack',
      id: 'u1',
      product: CASE,
      location: BACKROOM,
      qty: '2',
      to: SHELF,
    });
    expect((await stock(EACH, SHELF))?.layers).toEqual([
      { qty: '3', unitCost: '3.333333', value: '10' },
      { qty: '3', unitCost: '3.666667', value: '11' },
    ]);
  });

  it('opens a pallet straight into eaches (two levels) without cases entering stock', async () => {
    const { stock, results } = await ledger(receipt('r1', PALLET, '1', '100.01'), {
      type: 'unpack',
      id: 'u1',
      product: PALLET,
      location: BACKROOM,
      qty: '1',
      into: EACH,
    });
    expect(results[1]?.status).toBe('applied');
    expect(await stock(EACH)).toMatchObject({ qty: '12', value: '100.01' });
    expect(await stock(CASE)).toBeUndefined();
  });

  it('moving average: the pooled case value moves whole into the eaches', async () => {
    const { stock } = await ledger(receipt('r1', AVG_CASE, '2', '4.2'), receipt('r2', AVG_CASE, '1', '4.35'), {
      type: 'unpack',
      id: 'u1',
      product: AVG_CASE,
      location: BACKROOM,
      qty: '1',
    });
    // Pool 3 cases = 12.75; one case leaves at 4.25 and becomes 12 eaches worth 4.25.
    expect(await stock(AVG_EACH)).toMatchObject({ qty: '12', value: '4.25' });
    expect(await stock(AVG_CASE)).toMatchObject({ qty: '2', value: '8.5' });
  });

  it.each([
    ['a product that is no pack', { product: EACH, qty: '1' }, 'SW_LEDGER_NOT_A_PACK'],
    ['part of a pack', { product: CASE, qty: '0.5' }, 'SW_LEDGER_PARTIAL_PACK'],
    ['more packs than in stock', { product: CASE, qty: '5' }, 'SW_LEDGER_INSUFFICIENT_STOCK'],
    ['a target the pack does not contain', { product: CASE, qty: '1', into: AVG_EACH }, 'SW_LEDGER_NOT_A_PACK'],
  ])('refuses %s with a code and books nothing', async (_name, fields, code) => {
    const { results, stock } = await ledger(receipt('r1', CASE, '1', '10'), {
      type: 'unpack',
      id: 'u1',
      location: BACKROOM,
      ...fields,
    } as TransactionInput);
    expect(results[1]).toMatchObject({ status: 'rejected', code });
    expect((await stock(CASE))?.qty).toBe('1');
  });

  it('maps an EPCIS ObjectEvent with bizStep unpacking (class quantityList) to an unpack', () => {
    const event = withEventId({
      type: 'ObjectEvent' as const,
      eventTime: '2026-12-04T10:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE' as const,
      bizStep: 'unpacking' as const,
      readPoint: { id: BACKROOM },
      bizLocation: { id: BACKROOM },
      epcList: [],
      quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0614141.100001.*', quantity: 2 }],
    });
    const document = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-12-04T10:00:00.000Z',
      epcisBody: { eventList: [event] },
    } as unknown as EpcisDocument;
    const { transactions, skipped } = mapEpcisDocument(document, { siteId: 'store-1', gatewayId: 'gw-1' }, catalog());
    expect(skipped).toEqual([]);
    expect(transactions).toEqual([
      expect.objectContaining({ type: 'unpack', id: event.eventID, product: CASE, qty: '2', location: BACKROOM }),
    ]);
  });
});
