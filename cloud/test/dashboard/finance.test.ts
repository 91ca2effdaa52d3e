import { describe, expect, it } from 'vitest';
import { FinanceView } from '../../src/dashboard/finance.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';

const SODA = '00614141200023';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';

describe('dashboard finance view (the books, from a real ledger store)', () => {
  it('reports inventory value by site and location with names, COGS and margin today and for the period, GRNI, shrinkage, journal', async () => {
    const store = await openLedgerStore(
      { kind: 'memory' },
      buildCatalog({
        products: [{ gtin: SODA, valuation: 'fifo' }],
        locations: [
          { id: SHELF, site: 'store-1', kind: 'shelf', name: 'Shelf B2' },
          { id: BACKROOM, site: 'store-1', kind: 'backroom', name: 'Backroom' },
        ],
      }),
    );
    const inputs: TransactionInput[] = [
      {
        type: 'receipt',
        id: 'r1',
        product: SODA,
        location: BACKROOM,
        qty: '10',
        unitCost: '0.40',
        time: '2026-12-03T09:00:00Z',
      },
      {
        type: 'sale',
        id: 's0',
        product: SODA,
        location: BACKROOM,
        qty: '1',
        unitPrice: '0.99',
        time: '2026-12-03T10:00:00Z',
      },
      { type: 'transfer', id: 't1', product: SODA, from: BACKROOM, to: SHELF, qty: '6', time: '2026-12-04T08:00:00Z' },
      {
        type: 'sale',
        id: 's1',
        product: SODA,
        location: SHELF,
        qty: '3',
        unitPrice: '0.99',
        time: '2026-12-04T09:00:00Z',
      },
      { type: 'count', id: 'c1', product: SODA, location: SHELF, qty: '2', time: '2026-12-04T10:00:00Z' },
    ];
    await store.applyBatch(inputs.map((input) => TransactionSchema.parse(input)));
    const summary = await new FinanceView(store).summary(Date.parse('2026-12-04T12:00:00Z'));
    expect(summary.today).toEqual({
      revenue: '2.97',
      cogs: '1.2',
      grossMargin: '1.77',
      grossMarginPercent: '59.5',
      shrinkage: '0.4',
    });
    expect(summary.period).toMatchObject({
      revenue: '3.96',
      cogs: '1.6',
      grossMargin: '2.36',
      grossMarginPercent: '59.5',
    });
    expect(summary.grni).toBe('4');
    expect(summary.inventoryBySite).toEqual([{ site: 'store-1', value: '2' }]);
    expect(summary.inventoryByLocation).toEqual([
      { location: BACKROOM, name: 'Backroom', site: 'store-1', value: '1.2' },
      { location: SHELF, name: 'Shelf B2', site: 'store-1', value: '0.8' },
    ]);
    expect(summary.journal[0]).toMatchObject({ transactionId: 'c1' });
    await store.close();
  });
});
