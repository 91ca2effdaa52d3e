import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionSchema, type Transaction } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';
import { SITE_LOCK_CLASS } from '../../src/store/postgres-schema.js';
import { lockPlanOf, siteResolver, sitesMissing } from '../../src/store/postgres-site-locks.js';
import { startPostgres, type RunningPostgres } from '../../../test/support/postgres.js';
import { holdsWithin } from '../../../test/support/wait.js';
import { contractCatalog, FIFO } from './contract.js';

const product = FIFO;
const shelf = (site: string) => `urn:stockwire:loc:${site}:shelf-1`;
const receipt = (id: string, site: string, qty = '1'): Transaction =>
  TransactionSchema.parse({ id, type: 'receipt', product, location: shelf(site), qty, unitCost: '2' });
const transfer = (id: string, from: string, to: string): Transaction =>
  TransactionSchema.parse({ id, type: 'transfer', product, from: shelf(from), to: shelf(to), qty: '1' });

describe('lock plan of a batch', () => {
  const siteOf = siteResolver(() => undefined);
  it.each([
    ['one receipt', [receipt('a', 'store-1')], { exclusive: false, sites: ['store-1'] }],
    [
      'a transfer locks both sites',
      [transfer('t', 'store-1', 'store-2')],
      { exclusive: false, sites: ['store-1', 'store-2'] },
    ],
    [
      'several sites, each once',
      [receipt('a', 'store-2'), receipt('b', 'store-1'), receipt('c', 'store-2')],
      { exclusive: false, sites: ['store-2', 'store-1'] },
    ],
    [
      'a product definition is exclusive',
      [TransactionSchema.parse({ type: 'product', product, sku: 'X-1', valuation: 'fifo' })],
      { exclusive: true, sites: [] },
    ],
  ])('%s', (_name, transactions, expected) => {
    expect(lockPlanOf(transactions, siteOf)).toEqual(expected);
  });
  it('names touched sites the plan did not lock', () => {
    expect(sitesMissing({ exclusive: false, sites: ['store-1'] }, ['store-1', 'store-9'])).toEqual(['store-9']);
    expect(sitesMissing({ exclusive: true, sites: [] }, ['store-9'])).toEqual([]);
  });
});

describe('PostgreSQL writers per site', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a batch at one site does not wait for a writer holding another site', async () => {
    const url = await server.createDatabase('site_locks_parallel');
    const store = await openLedgerStore({ kind: 'postgres', url, poolSize: 4 }, contractCatalog());
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SITE_LOCK_CLASS, 'store-1']);
      let blockedDone = false;
      const blocked = store.applyBatch([receipt('r1', 'store-1')]).then(() => (blockedDone = true));
      const [free] = await store.applyBatch([receipt('r2', 'store-2')]); // completes while store-1 is held
      expect(free).toMatchObject({ status: 'applied' });
      expect(await holdsWithin(() => !blockedDone, 300)).toBe(true);
      await holder.query('COMMIT');
      await blocked;
      expect((await store.check()).ok).toBe(true);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('concurrent transfers both ways between sites, from two stores: no deadlock, exact books', async () => {
    const url = await server.createDatabase('site_locks_transfers');
    const first = await openLedgerStore({ kind: 'postgres', url, poolSize: 3 }, contractCatalog());
    const second = await openLedgerStore({ kind: 'postgres', url, poolSize: 3 }, contractCatalog());
    try {
      await first.applyBatch([receipt('seed-1', 'store-1', '50'), receipt('seed-2', 'store-2', '50')]);
      const batches = Array.from({ length: 24 }, (_, index) => {
        const forward = index % 2 === 0;
        const transaction = transfer(`t${index}`, forward ? 'store-1' : 'store-2', forward ? 'store-2' : 'store-1');
        const extra = receipt(`x${index}`, index % 3 === 0 ? 'store-3' : 'store-1');
        return (index % 4 < 2 ? first : second).applyBatch(forward ? [transaction, extra] : [extra, transaction]);
      });
      await Promise.all(batches);
      const stock = await first.stock({ product });
      const qtyAt = (site: string) => stock.find((row) => row.location === shelf(site))?.qty;
      expect([qtyAt('store-1'), qtyAt('store-2'), qtyAt('store-3')]).toEqual(['66', '50', '8']);
      expect((await second.check()).ok).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
