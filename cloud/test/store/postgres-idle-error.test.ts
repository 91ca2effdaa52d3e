import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../../test/support/postgres.js';
import { PostgresEpcisEventStore } from '../../src/epcis/postgres-event-store.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { PostgresReceivingStore } from '../../src/receiving/store/postgres-store.js';
import { PostgresReservationStore } from '../../src/reservations/postgres.js';
import { openLedgerStore } from '../../src/store/open.js';

// CI once failed on an uncaught `terminating connection due to administrator command` (57P01): an idle
// pooled connection died while PostgreSQL stopped and a store's pool had no `error` listener.
let server: RunningPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

async function terminateOthers(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const result = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL stores when an idle connection is terminated', () => {
  it('survive it (no uncaught error) and reconnect on the next query', async () => {
    const url = await server.createDatabase('idle_error');
    const ledger = await openLedgerStore(
      { kind: 'postgres', url, poolSize: 2 },
      buildCatalog({ products: [], locations: [] }),
    );
    const stores = [
      await PostgresEpcisEventStore.open(url),
      await PostgresReceivingStore.open(url),
      await PostgresReservationStore.open(url),
    ];
    await ledger.trialBalance();
    expect(await terminateOthers(url)).toBeGreaterThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const balance = await ledger.trialBalance();
    expect(balance.balanced).toBe(true);
    await Promise.all([ledger.close(), ...stores.map((store) => store.close())]);
  });
});
