import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCatalog, type Catalog } from '../../src/ledger/catalog.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import type { ApplyResult, LedgerStore, StoreOptions } from '../../src/store/ledger-store.js';
import { randomTransactions } from '../ledger/random-transactions.js';

/**
 * The one contract every LedgerStore passes (SQLite, in-memory SQLite, PostgreSQL):
 * worked valuation examples with their numbers, postings, idempotency, EPC state,
 * late events, reversals, bad transactions, queries and the invariant check.
 */
export type StoreFactory = (catalog: Catalog, options: StoreOptions) => Promise<LedgerStore>;

export const FIFO = '00000000000017';
export const AVERAGE = '00000000000024';
export const NEGATIVE = '00000000000031';
export const SERIAL = '00614141073467'; // SGTIN 0614141.0 7346 → check digit 7
const A = 'urn:stockwire:loc:store-1:backroom';
const B = 'urn:stockwire:loc:store-1:shelf-1';
const C = 'urn:stockwire:loc:store-2:backroom';

export const contractCatalog = (): Catalog =>
  buildCatalog({
    products: [
      { gtin: FIFO, sku: 'SKU-FIFO', valuation: 'fifo', standardCost: '9' },
      { gtin: AVERAGE, valuation: 'average' },
      { gtin: NEGATIVE, valuation: 'fifo', allowNegative: true, standardCost: '12' },
      { gtin: SERIAL, valuation: 'fifo', standardCost: '4.5' },
    ],
    locations: [
      { id: A, site: 'store-1', kind: 'backroom' },
      { id: B, site: 'store-1', kind: 'shelf' },
      { id: C, site: 'store-2', kind: 'backroom' },
    ],
  });

const epc = (serial: number) => sgtinUrn(SERIAL, 7, String(serial));

export function ledgerStoreContract(name: string, factory: StoreFactory): void {
  describe(`LedgerStore contract: ${name}`, () => {
    let store: LedgerStore;
    let nowMs = Date.parse('2026-11-25T10:00:00Z');
    const opened: LedgerStore[] = [];

    beforeEach(async () => {
      nowMs = Date.parse('2026-11-25T10:00:00Z');
      store = await factory(contractCatalog(), { nowMs: () => nowMs });
      opened.push(store);
    });
    afterAll(async () => {
      for (const each of opened) await each.close();
    });

    const apply = async (...inputs: TransactionInput[]): Promise<ApplyResult[]> =>
      store.applyBatch(inputs.map((input) => TransactionSchema.parse(input)));
    const one = async (input: TransactionInput): Promise<ApplyResult> => (await apply(input))[0] as ApplyResult;
    const position = async (product: string, location: string) => (await store.stock({ product, location }))[0];
    const balances = async () =>
      Object.fromEntries((await store.trialBalance()).accounts.map((row) => [row.account, row.balance]));
    const expectChecked = async () => {
      const report = await store.check();
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    };

    it('FIFO: two layers, a sale across them, a return at the sale cost, a transfer, a count that finds shrinkage', async () => {
      const results = await apply(
        { id: 'r1', type: 'receipt', product: FIFO, location: A, qty: '8', unitCost: '10' },
        { id: 'r2', type: 'receipt', product: FIFO, location: A, qty: '4', unitCost: '12.5' },
        { id: 's1', type: 'sale', product: FIFO, location: A, qty: '10' },
        { id: 'cr1', type: 'customer_return', product: FIFO, location: A, qty: '1', of: 's1' },
        { id: 't1', type: 'transfer', product: FIFO, from: A, to: B, qty: '2' },
        { id: 'k1', type: 'count', product: FIFO, location: A, qty: '0' },
      );
      expect(results.map((result) => [result.id, result.status, result.qtyDelta, result.valueDelta])).toEqual([
        ['r1', 'applied', '8', '80'],
        ['r2', 'applied', '4', '50'],
        ['s1', 'applied', '-10', '-105'], // 8 × 10 + 2 × 12.5
        ['cr1', 'applied', '1', '10.5'], // original sale cost 105 / 10
        ['t1', 'applied', '0', '0'],
        ['k1', 'applied', '-1', '-10.5'],
      ]);
      // The transfer took the oldest layer left (2 × 12.5), so A kept the returned unit at 10.5.
      expect(await position(FIFO, B)).toMatchObject({
        qty: '2',
        value: '25',
        unitCost: '12.5',
        layers: [{ qty: '2', unitCost: '12.5' }],
      });
      expect(await position(FIFO, A)).toMatchObject({ qty: '0', value: '0', layers: [] });
      expect(await balances()).toEqual({ COGS: '94.5', GRNI: '-130', 'Inventory:store-1': '25', Shrinkage: '10.5' });
      await expectChecked();
    });

    it('moving average: cost pooled, remainder stays with the stock and leaves with the last unit', async () => {
      await apply(
        { id: 'r1', type: 'receipt', product: AVERAGE, location: A, qty: '8', unitCost: '10' },
        { id: 'r2', type: 'receipt', product: AVERAGE, location: A, qty: '4', unitCost: '12.5' },
      );
      expect(await one({ id: 's1', type: 'sale', product: AVERAGE, location: A, qty: '10' })).toMatchObject({
        valueDelta: '-108.3333',
      });
      expect(await position(AVERAGE, A)).toMatchObject({ qty: '2', value: '21.6667', unitCost: '10.83335' });
      expect(await one({ id: 's2', type: 'sale', product: AVERAGE, location: A, qty: '2' })).toMatchObject({
        valueDelta: '-21.6667',
      });
      expect(await position(AVERAGE, A)).toMatchObject({ qty: '0', value: '0' });
      expect(await balances()).toEqual({ COGS: '130', GRNI: '-130', 'Inventory:store-1': '0' });
      await expectChecked();
    });

    it('refuses to oversell, and sells into negative stock only when allowed, truing up cost on the next receipt', async () => {
      await apply({ id: 'r1', type: 'receipt', product: FIFO, location: A, qty: '2', unitCost: '10' });
      const refused = await one({ id: 's1', type: 'sale', product: FIFO, location: A, qty: '3' });
      expect(refused).toMatchObject({ status: 'rejected', code: 'SW_LEDGER_INSUFFICIENT_STOCK' });
      expect(refused.reason).toContain('only 2 available');
      expect(await position(FIFO, A)).toMatchObject({ qty: '2', value: '20' });

      await apply({ id: 'n1', type: 'receipt', product: NEGATIVE, location: A, qty: '2', unitCost: '12.5' });
      expect(await one({ id: 'n2', type: 'sale', product: NEGATIVE, location: A, qty: '3' })).toMatchObject({
        status: 'applied',
        qtyDelta: '-3',
        valueDelta: '-37.5',
      });
      expect(await position(NEGATIVE, A)).toMatchObject({ qty: '-1', value: '-12.5', available: '0' });
      // 4 at 11 cover the missing unit: it cost 11, not the provisional 12.5, so COGS comes down 1.5.
      expect(
        await one({ id: 'n3', type: 'receipt', product: NEGATIVE, location: A, qty: '4', unitCost: '11' }),
      ).toMatchObject({ qtyDelta: '4', valueDelta: '45.5', flags: ['negative_stock_covered'] });
      expect(await position(NEGATIVE, A)).toMatchObject({
        qty: '3',
        value: '33',
        layers: [{ qty: '3', unitCost: '11' }],
      });
      expect(await balances()).toMatchObject({ COGS: '36', GRNI: '-89' });
      await expectChecked();
    });

    it('posts priced sales to Cash/Revenue, returns at the original cost, supplier returns from the named layer', async () => {
      await apply(
        { id: 'r1', type: 'receipt', product: FIFO, location: A, qty: '5', unitCost: '10' },
        { id: 'r2', type: 'receipt', product: FIFO, location: A, qty: '5', unitCost: '12' },
        { id: 's1', type: 'sale', product: 'SKU-FIFO', location: A, qty: '2', unitPrice: '19.99' },
      );
      expect(await balances()).toMatchObject({ Cash: '39.98', Revenue: '-39.98', COGS: '20' });
      expect(
        await one({
          id: 'cr',
          type: 'customer_return',
          product: FIFO,
          location: A,
          qty: '1',
          of: 's1',
          unitPrice: '19.99',
        }),
      ).toMatchObject({ valueDelta: '10' });
      expect(
        await one({ id: 'sr', type: 'supplier_return', product: FIFO, location: A, qty: '2', of: 'r2' }),
      ).toMatchObject({ valueDelta: '-24' });
      expect(await balances()).toMatchObject({ Cash: '19.99', Revenue: '-19.99', COGS: '10', GRNI: '-86' });
      expect(
        await one({ id: 'bad', type: 'customer_return', product: FIFO, location: A, qty: '1', of: 'r1' }),
      ).toMatchObject({ status: 'rejected', code: 'SW_LEDGER_UNKNOWN_ORIGINAL' });
      await expectChecked();
    });

    it('transfers between sites post across inventory accounts; within a site post nothing', async () => {
      await apply({ id: 'r1', type: 'receipt', product: FIFO, location: A, qty: '4', unitCost: '2.5' });
      await apply({ id: 't1', type: 'transfer', product: FIFO, from: A, to: B, qty: '1' });
      expect((await store.journal({ transactionId: 't1' })).items).toEqual([]);
      await apply({ id: 't2', type: 'transfer', product: FIFO, from: A, to: C, qty: '2' });
      expect(
        (await store.journal({ transactionId: 't2' })).items.map((line) => [line.account, line.debit, line.credit]),
      ).toEqual([
        ['Inventory:store-1', '0', '5'],
        ['Inventory:store-2', '5', '0'],
      ]);
      await expectChecked();
    });

    it('opens the books with an initial count against Opening Balance Equity, later counts against Shrinkage', async () => {
      expect(
        await one({ id: 'k0', type: 'count', product: FIFO, location: A, qty: '10', unitCost: '3' }),
      ).toMatchObject({ qtyDelta: '10', valueDelta: '30', flags: ['initial_count'] });
      expect(await one({ id: 'k1', type: 'count', product: FIFO, location: A, qty: '12' })).toMatchObject({
        qtyDelta: '2',
        valueDelta: '6',
      });
      expect(await one({ id: 'k2', type: 'count', product: FIFO, location: A, qty: '12' })).toMatchObject({
        qtyDelta: '0',
        valueDelta: '0',
      });
      expect(await balances()).toEqual({ 'Inventory:store-1': '36', 'Opening Balance Equity': '-30', Shrinkage: '-6' });
      await expectChecked();
    });

    it('adjusts with a reason code against Inventory Adjustment', async () => {
      await apply({ id: 'r1', type: 'receipt', product: FIFO, location: A, qty: '4', unitCost: '2.5' });
      expect(
        await one({ id: 'a1', type: 'adjustment', product: FIFO, location: A, qty: '-1', reason: 'damage' }),
      ).toMatchObject({ valueDelta: '-2.5' });
      expect(
        await one({ id: 'a2', type: 'adjustment', product: FIFO, location: A, qty: '2', reason: 'found' }),
      ).toMatchObject({ valueDelta: '5' });
      expect(await balances()).toMatchObject({ 'Inventory Adjustment': '-2.5' });
      await expectChecked();
    });

    it.each([
      [
        'unknown product',
        { id: 'x', type: 'receipt', product: '99999999999999', location: A, qty: '1', unitCost: '1' },
        'SW_LEDGER_UNKNOWN_PRODUCT',
      ],
      ['missing cost', { id: 'x', type: 'receipt', product: AVERAGE, location: A, qty: '1' }, 'SW_LEDGER_MISSING_COST'],
      ['zero quantity', { id: 'x', type: 'sale', product: FIFO, location: A, qty: '0' }, 'SW_LEDGER_ZERO_QUANTITY'],
      ['oversell', { id: 'x', type: 'sale', product: FIFO, location: A, qty: '1' }, 'SW_LEDGER_INSUFFICIENT_STOCK'],
      [
        'unknown EPC product',
        { id: 'x', type: 'receipt', location: A, epcs: [epc(1), sgtinUrn('10000000000007', 7, '1')] },
        'SW_LEDGER_UNKNOWN_PRODUCT',
      ],
    ] as [string, TransactionInput, string][])(
      'rejects %s with a reason and writes nothing',
      async (_name, input, code) => {
        const result = await one(input);
        expect(result).toMatchObject({ status: 'rejected', code, qtyDelta: '0', changes: [] });
        expect(result.reason?.length).toBeGreaterThan(10);
        expect((await store.entries()).items).toEqual([]);
        expect((await store.epcHistory(epc(1))).current).toBeNull();
        expect(await store.transaction('x')).toBeUndefined();
        await expectChecked();
      },
    );

    it('is idempotent per id: same payload → original result, other payload → conflict, also inside one batch', async () => {
      const receipt: TransactionInput = {
        id: 'r1',
        type: 'receipt',
        product: FIFO,
        location: A,
        qty: '2',
        unitCost: '1',
      };
      const [first, again, clash] = await apply(receipt, receipt, { ...receipt, qty: '3' });
      expect(first).toMatchObject({ status: 'applied', qtyDelta: '2' });
      expect(again).toMatchObject({ status: 'duplicate', qtyDelta: '2' });
      expect(clash).toMatchObject({ status: 'conflict', code: 'SW_LEDGER_ID_CONFLICT' });
      expect(await one(receipt)).toMatchObject({ status: 'duplicate' });
      expect(await position(FIFO, A)).toMatchObject({ qty: '2' });
      await expectChecked();
    });

    it('tracks EPC state: receipt, repeated reads, shelf stocking, sale, and where each tag has been', async () => {
      const shelf = { site: 'store-1' };
      await apply({ id: 'e1', type: 'receipt', location: A, epcs: [epc(1), epc(2), epc(3)], ...shelf });
      expect(await position(SERIAL, A)).toMatchObject({ qty: '3', value: '13.5', epcsInStock: 3 });
      expect(await one({ id: 'e2', type: 'receipt', location: A, epcs: [epc(3), epc(4)] })).toMatchObject({
        qtyDelta: '1',
        flags: ['epc_already_in_stock', 'no_po_cost'],
      });
      await apply({ id: 'e3', type: 'transfer', from: A, to: B, epcs: [epc(1), epc(2)] });
      expect(await one({ id: 'e4', type: 'sale', location: B, epcs: [epc(1)] })).toMatchObject({
        qtyDelta: '-1',
        valueDelta: '-4.5',
      });
      expect(await one({ id: 'e5', type: 'sale', location: B, epcs: [epc(1)] })).toMatchObject({
        qtyDelta: '0',
        flags: ['epc_already_sold'],
      });
      const history = await store.epcHistory(epc(1));
      expect(history.current).toMatchObject({ status: 'sold', location: B });
      expect(history.history.map((row) => [row.transactionId, row.location, row.status])).toEqual([
        ['e1', A, 'in_stock'],
        ['e3', B, 'in_stock'],
        ['e4', B, 'sold'],
      ]);
      await expectChecked();
    });

    it('counts an EPC set: unseen tags go missing, tags booked elsewhere move, the difference posts to Shrinkage', async () => {
      await apply({ id: 'e1', type: 'receipt', location: A, epcs: [epc(1), epc(2), epc(3)] });
      await apply({ id: 'e2', type: 'transfer', from: A, to: B, epcs: [epc(1), epc(2)] });
      // Shelf B holds 1 and 2; the reader sees 2 and 3 (3 was never moved by an event) and 9 (never received).
      const result = await one({ id: 'k1', type: 'count', location: B, epcs: [epc(2), epc(3), epc(9)] });
      expect(result.status).toBe('applied');
      expect(result.flags).toEqual(expect.arrayContaining(['epc_relocated']));
      expect(await position(SERIAL, B)).toMatchObject({ qty: '3', epcsInStock: 3 });
      expect(await position(SERIAL, A)).toMatchObject({ qty: '0', epcsInStock: 0 });
      expect((await store.epcHistory(epc(1))).current).toMatchObject({ status: 'missing' });
      expect((await store.epcHistory(epc(9))).current).toMatchObject({ status: 'in_stock', location: B });
      await expectChecked();
    });

    it('moves only the EPCs still at the source when a transfer says epcsOnlyFromSource (a shelf removing)', async () => {
      const other = 'urn:stockwire:loc:store-1:shelf-2';
      await apply({ id: 'e1', type: 'receipt', location: A, epcs: [epc(1), epc(2)] });
      await apply({ id: 'e2', type: 'transfer', from: A, to: B, epcs: [epc(1), epc(2)] });
      // Item 2 is seen stocking shelf 2 before shelf 1 reports it gone.
      await apply({ id: 'e3', type: 'transfer', from: A, to: other, epcs: [epc(2)] });
      const removed = await one({
        id: 'e4',
        type: 'transfer',
        from: B,
        to: A,
        epcs: [epc(1), epc(2)],
        epcsOnlyFromSource: true,
      });
      expect(removed.flags).toEqual(expect.arrayContaining(['epc_not_at_source']));
      expect((await store.epcHistory(epc(1))).current).toMatchObject({ status: 'in_stock', location: A });
      expect((await store.epcHistory(epc(2))).current).toMatchObject({ status: 'in_stock', location: other });
      expect(await position(SERIAL, other)).toMatchObject({ qty: '1', epcsInStock: 1 });
      await expectChecked();
    });

    it('lists EPCs by status and location with the time of their last move', async () => {
      await apply({
        id: 'e1',
        type: 'receipt',
        location: A,
        epcs: [epc(1), epc(2), epc(3)],
        time: '2026-11-25T08:00:00.000Z',
      });
      await apply({ id: 'e2', type: 'transfer', from: A, to: B, epcs: [epc(2)], time: '2026-11-25T09:00:00.000Z' });
      await apply({ id: 'k1', type: 'count', location: A, epcs: [epc(1)], time: '2026-11-25T10:00:00.000Z' });
      expect(await store.epcsWhere({ status: 'in_stock', locations: [B], limit: 10 })).toEqual([
        expect.objectContaining({
          epc: epc(2),
          location: B,
          status: 'in_stock',
          transactionId: 'e2',
          time: '2026-11-25T09:00:00.000Z',
        }),
      ]);
      expect(await store.epcsWhere({ status: 'missing', limit: 10 })).toEqual([
        expect.objectContaining({ epc: epc(3), status: 'missing', transactionId: 'k1' }),
      ]);
      expect(await store.epcsWhere({ status: 'in_stock', limit: 1 })).toHaveLength(1);
    });

    it('ships to the site in-transit location and receives at another site from there', async () => {
      const transit = 'urn:stockwire:loc:store-1:in-transit';
      await apply({ id: 'e1', type: 'receipt', location: A, epcs: [epc(1), epc(2)] });
      await apply({ id: 'e2', type: 'transfer', from: A, to: transit, epcs: [epc(1)] });
      const arrived = await one({ id: 'e3', type: 'receipt', location: C, epcs: [epc(1)] });
      expect(arrived.changes.map((change) => [change.location, change.qtyDelta])).toEqual([
        [transit, '-1'],
        [C, '1'],
      ]);
      expect(await balances()).toMatchObject({ 'Inventory:store-1': '4.5', 'Inventory:store-2': '4.5', GRNI: '-9' });
      await expectChecked();
    });

    it('late events: applied on arrival with their own time; a movement older than the last count is not counted twice', async () => {
      await apply(
        {
          id: 'r1',
          type: 'receipt',
          product: FIFO,
          location: A,
          qty: '5',
          unitCost: '10',
          time: '2026-11-25T08:00:00Z',
        },
        { id: 'k1', type: 'count', product: FIFO, location: A, qty: '4', time: '2026-11-25T09:00:00Z' }, // one unit short: Shrinkage 10
      );
      // The sale at 08:30 is what the count found missing: it arrives late.
      const late = await one({
        id: 's1',
        type: 'sale',
        product: FIFO,
        location: A,
        qty: '1',
        time: '2026-11-25T08:30:00Z',
      });
      expect(late).toMatchObject({ status: 'applied', qtyDelta: '0', flags: ['before_last_count'] });
      expect(await position(FIFO, A)).toMatchObject({ qty: '4', value: '40' });
      expect(await balances()).toMatchObject({ COGS: '10' });
      const accounts = await balances();
      expect(accounts['Shrinkage']).toBe('0'); // the count's loss of 10 was this sale: reclassified to COGS
      const entries = (await store.entries({ transactionId: 's1' })).items;
      expect(entries[0]).toMatchObject({ time: '2026-11-25T08:30:00.000Z', recordedTime: '2026-11-25T10:00:00.000Z' });
      // A sale after the count is an ordinary sale.
      expect(
        await one({ id: 's2', type: 'sale', product: FIFO, location: A, qty: '1', time: '2026-11-25T09:30:00Z' }),
      ).toMatchObject({ qtyDelta: '-1' });
      await expectChecked();
    });

    it('corrects by reversal: mirror entries and journal referencing the original, once', async () => {
      await apply(
        { id: 'r1', type: 'receipt', product: FIFO, location: A, qty: '3', unitCost: '7' },
        { id: 's1', type: 'sale', product: FIFO, location: A, qty: '1', unitPrice: '10' },
      );
      expect(await one({ id: 'v1', type: 'reversal', of: 's1', reason: 'keyed twice' })).toMatchObject({
        status: 'applied',
        qtyDelta: '1',
        valueDelta: '7',
      });
      expect(await one({ id: 'v2', type: 'reversal', of: 's1' })).toMatchObject({
        status: 'rejected',
        code: 'SW_LEDGER_ALREADY_REVERSED',
      });
      expect(await one({ id: 'v3', type: 'reversal', of: 'r1' })).toMatchObject({
        status: 'applied',
        qtyDelta: '-3',
        valueDelta: '-21',
      });
      expect((await store.entries({ transactionId: 'v3' })).items[0]).toMatchObject({ reverses: 'r1' });
      expect(await store.transaction('s1')).toMatchObject({ reversedBy: 'v1' });
      expect(Object.values(await balances()).every((balance) => balance === '0')).toBe(true);
      await expectChecked();
    });

    it('closes periods: late journal lines date in the open period, trial balance at a period end, check reads reversals', async () => {
      await apply(
        {
          id: 'r1',
          type: 'receipt',
          product: FIFO,
          location: A,
          qty: '3',
          unitCost: '7',
          time: '2026-10-05T10:00:00Z',
        },
        { id: 's1', type: 'sale', product: FIFO, location: A, qty: '1', time: '2026-10-06T10:00:00Z' },
        { id: 'v1', type: 'reversal', of: 's1', time: '2026-10-07T10:00:00Z' },
      );
      expect(await store.closePeriod('2026-11')).toMatchObject({ ok: false, code: 'SW_LEDGER_PERIOD_NOT_ENDED' });
      expect(await store.closePeriod('2026-10')).toMatchObject({ ok: true, closedThrough: '2026-10-31T23:59:59.999Z' });
      expect(await store.closePeriod('2026-09')).toMatchObject({ ok: true, alreadyClosed: true });
      expect(await store.periods()).toMatchObject([{ period: '2026-10', alreadyClosed: false }]);
      const october = await store.trialBalanceAt(Date.parse('2026-10-31T23:59:59.999Z'));
      expect(
        await one({ id: 's2', type: 'sale', product: FIFO, location: A, qty: '1', time: '2026-10-20T10:00:00Z' }),
      ).toMatchObject({ status: 'applied', flags: ['posted_in_open_period'] });
      expect((await store.journal({ transactionId: 's2' })).items[0]?.time).toBe('2026-11-01T00:00:00.000Z');
      expect(await store.trialBalanceAt(Date.parse('2026-10-31T23:59:59.999Z'))).toEqual(october);
      expect((await store.trialBalanceAt(Date.parse('2026-11-30T23:59:59.999Z'))).accounts).toEqual(
        (await store.trialBalance()).accounts,
      );
      const report = await store.check();
      expect(report.checks.find((check) => check.name === 'each reversal mirrors its original')).toMatchObject({
        ok: true,
        checked: 1,
      });
      await expectChecked();
    });

    it('pages entries and journal, lists products, locations and sales history', async () => {
      for (let index = 0; index < 5; index++)
        await apply({ id: `r${index}`, type: 'receipt', product: FIFO, location: A, qty: '1', unitCost: '1' });
      await apply({ id: 's1', type: 'sale', product: FIFO, location: A, qty: '2', time: '2026-11-25T09:00:00Z' });
      const first = await store.entries({ limit: 4 });
      expect(first.items.map((entry) => entry.transactionId)).toEqual(['r0', 'r1', 'r2', 'r3']);
      const second = await store.entries({ limit: 4, after: first.nextAfter ?? 0 });
      expect(second.items.map((entry) => entry.transactionId)).toEqual(['r4', 's1']);
      expect(second.nextAfter).toBeNull();
      expect((await store.journal({ account: 'COGS' })).items).toHaveLength(1);
      expect((await store.products()).map((product) => product.gtin)).toContain(FIFO);
      expect((await store.locations()).map((location) => location.id)).toContain(A);
      expect(await store.salesHistory(FIFO, 'store-1', 0)).toMatchObject([
        { qty: '2', location: A, transactionId: 's1' },
      ]);
      expect(await store.salesHistory(FIFO, 'store-2', 0)).toEqual([]);
    });

    it('keeps every invariant over 2,000 random transactions applied in batches', async () => {
      const transactions = randomTransactions(7, 2_000).map((input) => TransactionSchema.parse(input));
      const statuses: Record<string, number> = {};
      for (let start = 0; start < transactions.length; start += 97) {
        for (const result of await store.applyBatch(transactions.slice(start, start + 97)))
          statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      }
      expect(statuses['applied']).toBeGreaterThan(800);
      expect(statuses['rejected']).toBeGreaterThan(50);
      await expectChecked();
      const trial = await store.trialBalance();
      expect(trial.balanced).toBe(true);
    });

    it('declares products by transaction and auto-registers unknown locations under their site', async () => {
      const declared = '00000000000048';
      await apply({ type: 'product', product: declared, valuation: 'average', allowNegative: false });
      await apply({
        id: 'r1',
        type: 'receipt',
        product: declared,
        location: 'urn:stockwire:loc:store-9:shelf-4',
        qty: '1',
        unitCost: '1',
      });
      expect(await store.locations()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: 'urn:stockwire:loc:store-9:shelf-4',
            site: 'store-9',
            kind: 'shelf',
            inventoryAccount: 'Inventory:store-9',
          }),
        ]),
      );
      expect(await one({ type: 'product', product: declared, valuation: 'fifo' })).toMatchObject({
        status: 'rejected',
        code: 'SW_LEDGER_VALUATION_CHANGE',
      });
      await expectChecked();
    });

    it('unpacks a declared case into eaches at the same value, then sells eaches across two locations', async () => {
      const each = '00000000000079';
      const pack = '10000000000076';
      await apply(
        { type: 'product', product: each, valuation: 'fifo' },
        { type: 'product', product: pack, valuation: 'fifo', contains: { product: each, qty: '3' } },
        { id: 'r1', type: 'receipt', product: pack, location: A, qty: '2', unitCost: '10' },
        { id: 'u1', type: 'unpack', product: pack, location: A, qty: '1' },
        { id: 'u2', type: 'unpack', product: pack, location: A, qty: '1', to: B },
      );
      expect(await position(each, A)).toMatchObject({ qty: '3', value: '10' });
      const sale = await one({
        id: 's1',
        type: 'sale',
        product: each,
        location: B,
        qty: '4',
        unitPrice: '5',
        alsoFrom: [A],
      });
      // 3 from B (all of its 10.00), then 1 from A: round(10 / 3) = 3.3333.
      expect(sale).toMatchObject({ status: 'applied', valueDelta: '-13.3333' });
      expect(await balances()).toMatchObject({ COGS: '13.3333', Revenue: '-20', Cash: '20' });
      await expectChecked();
    });
  });
}
