import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionSchema } from '../../src/ledger/transactions.js';
import { startPostgres, type RunningPostgres } from '../../../test/support/postgres.js';
import { openLedgerStore } from '../../src/store/open.js';
import { contractCatalog, ledgerStoreContract } from './contract.js';

// A real PostgreSQL 15 on loopback, one fresh database per test.
let server: RunningPostgres;
let counter = 0;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

ledgerStoreContract('postgres', async (catalog, options) =>
  openLedgerStore(
    { kind: 'postgres', url: await server.createDatabase(`ledger_${counter++}`), poolSize: 2 },
    catalog,
    options,
  ),
);

describe('PostgreSQL shared by several processes', () => {
  it('sees products and locations another store declared, and serialises concurrent batches', async () => {
    const url = await server.createDatabase('ledger_shared');
    const first = await openLedgerStore({ kind: 'postgres', url, poolSize: 2 }, contractCatalog());
    const second = await openLedgerStore({ kind: 'postgres', url, poolSize: 2 }, contractCatalog());
    try {
      const declared = '00000000000062';
      await first.applyBatch([
        TransactionSchema.parse({ type: 'product', product: declared, sku: 'NEW-1', valuation: 'fifo' }),
      ]);
      await first.applyBatch([
        TransactionSchema.parse({
          id: 'r0',
          type: 'receipt',
          product: declared,
          location: 'urn:stockwire:loc:store-7:shelf-2',
          qty: '1',
          unitCost: '1',
        }),
      ]);
      const [result] = await second.applyBatch([
        TransactionSchema.parse({
          id: 'r1',
          type: 'receipt',
          product: 'NEW-1',
          location: 'urn:stockwire:loc:store-7:shelf-2',
          qty: '2',
          unitCost: '2',
        }),
      ]);
      expect(result).toMatchObject({ status: 'applied', qtyDelta: '2' });
      expect(result?.flags ?? []).not.toContain('location_registered');
      // Both write the same position at once: the advisory lock orders them, nothing is lost.
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 === 0 ? first : second).applyBatch([
            TransactionSchema.parse({
              id: `c${index}`,
              type: 'receipt',
              product: declared,
              location: 'urn:stockwire:loc:store-7:shelf-2',
              qty: '1',
              unitCost: '1',
            }),
          ]),
        ),
      );
      expect((await first.stock({ product: declared }))[0]).toMatchObject({ qty: '13', value: '15' });
      expect((await second.check()).ok).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
