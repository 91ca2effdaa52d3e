import { openLedgerStore } from '../../cloud/src/store/ledger-store.js';
import { workload, catalog } from './ledger.js';
const store = await openLedgerStore({ kind: 'memory' }, catalog());
const events = workload(90_000, 50, 'f');
const t0 = performance.now();
const c0 = process.cpuUsage();
for (let i = 0; i < events.length; i += 100) await store.applyBatch(events.slice(i, i + 100));
const c = process.cpuUsage(c0);
console.log('lines/s wall', (90_000 / ((performance.now() - t0) / 1000)).toFixed(0), 'lines per cpu-s', (90_000 / ((c.user + c.system) / 1e6)).toFixed(0));
