import { startPostgres } from '../../test/support/postgres.js';
import { openLedgerStore } from '../../cloud/src/store/ledger-store.js';
import { workload, catalog } from './ledger.js';
const server = await startPostgres({ durable: process.env['DURABLE'] === '1' });
try {
  const store = await openLedgerStore({ kind: 'postgres', url: await server.createDatabase('b'), poolSize: 2 }, catalog());
  const events = workload(60_000, 50, 'f');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < events.length; i += 100) { const t = performance.now(); await store.applyBatch(events.slice(i, i + 100)); if (i % 600 === 0) console.log('batch ms', (performance.now() - t).toFixed(0)); }
  const c = process.cpuUsage(c0);
  console.log('lines/s wall', (60_000 / ((performance.now() - t0) / 1000)).toFixed(0), 'node cpu s', ((c.user + c.system) / 1e6).toFixed(2), 'wall s', ((performance.now() - t0) / 1000).toFixed(2));
  await store.close();
} finally { await server.stop(); }
