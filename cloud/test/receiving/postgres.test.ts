import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../../test/support/postgres.js';
import { PostgresReceivingStore } from '../../src/receiving/store/postgres-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { receivingStoreContract } from './contract.js';

// A real PostgreSQL on loopback, one fresh database per test; two pools play two processes.
let server: RunningPostgres;
let counter = 0;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

receivingStoreContract('PostgreSQL', async (catalog) => {
  const url = await server.createDatabase(`receiving_${counter++}`);
  return {
    ledger: await openLedgerStore({ kind: 'postgres', url, poolSize: 2 }, catalog),
    receiving: await PostgresReceivingStore.open(url),
    second: await PostgresReceivingStore.open(url),
  };
});
