import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../../test/support/postgres.js';
import { openLedgerStore } from '../../src/store/ledger-store.js';
import { ledgerStoreContract } from './contract.js';

// A real PostgreSQL 15 on loopback, one fresh database per test.
let server: RunningPostgres;
let counter = 0;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

ledgerStoreContract('postgres', async (catalog, options) => openLedgerStore({ kind: 'postgres', url: await server.createDatabase(`ledger_${counter++}`), poolSize: 2 }, catalog, options));
