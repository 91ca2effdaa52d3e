import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../../test/support/postgres.js';
import { PostgresEpcisEventStore } from '../../src/epcis/postgres-event-store.js';
import { SqliteEpcisEventStore } from '../../src/epcis/sqlite-event-store.js';
import { eventStoreContract } from './event-store-contract.js';

eventStoreContract('sqlite', async () => SqliteEpcisEventStore.open(':memory:'));

// A real PostgreSQL on loopback, one fresh database per test.
let server: RunningPostgres;
let counter = 0;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});
eventStoreContract('postgres', async () =>
  PostgresEpcisEventStore.open(await server.createDatabase(`epcis_${counter++}`)),
);
