/**
 * Ledger ingest benchmark: item-level movement lines (one EPC moving = one line)
 * applied into SQLite and PostgreSQL, beside a naive baseline measured in the same
 * run: every line its own event, applied in its own database transaction.
 *
 * Workload per round: EPCIS-like events of EVENT_EPCS EPCs each, in the order a
 * store sees them: dock receipt → shelf stocking (transfer) → POS sale, over a few
 * products and sites; the batched runs apply 100 and 400 events (5,000 / 20,000 lines) per applyBatch.
 * SQLite runs WAL + synchronous=FULL (the store's durable setting); PostgreSQL runs
 * with fsync and synchronous_commit on, so both sides pay for real commits.
 *
 *   node --import tsx scripts/bench/ledger.ts            (default, ~60 s)
 *   LEDGER_BENCH_LINES=200000 LEDGER_BENCH_STORES=sqlite node --import tsx scripts/bench/ledger.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../test/support/postgres.js';
import { buildCatalog, type Catalog } from '../../cloud/src/ledger/catalog.js';
import { sgtinUrn } from '../../cloud/src/ledger/epc-product.js';
import type { Transaction } from '../../cloud/src/ledger/transactions.js';
import { type LedgerStore, type StoreConfig } from '../../cloud/src/store/ledger-store.js';
import { openLedgerStore } from '../../cloud/src/store/open.js';

const EVENT_EPCS = 50;
const BATCH_EVENTS = 100;
/** Batched runs: events per applyBatch (one database transaction each). */
const BATCH_EVENTS_RUNS = [100, 400];
const LINES_DEFAULT = 150_000;
/** The naive baseline stops after this many lines or this long, whichever comes first. */
const NAIVE_LINES_MAX = 4_000;
const NAIVE_TIME_MAX_MS = 8_000;
const PRODUCTS = ['00614141073467', '00614141073474', '00614141073481', '00614141073498'];
const SITES = ['store-1', 'store-2', 'store-3'];

export function catalog(): Catalog {
  return buildCatalog({
    products: PRODUCTS.map((gtin) => ({ gtin, valuation: 'fifo' as const, standardCost: '3.25' })),
  });
}

/** Events moving `lines` EPCs through receipt → stocking → sale; each EPC line appears once per step. */
export function workload(lines: number, eventEpcs: number, prefix: string): Transaction[] {
  const events: Transaction[] = [];
  const groups = Math.max(1, Math.floor(lines / 3 / eventEpcs));
  let serial = 0;
  const time = (index: number) => new Date(Date.parse('2026-11-25T08:00:00Z') + index * 1000).toISOString();
  for (let group = 0; group < groups; group++) {
    const site = SITES[group % SITES.length] as string;
    const product = PRODUCTS[group % PRODUCTS.length] as string;
    const epcs = Array.from({ length: eventEpcs }, () => sgtinUrn(product, 7, `${prefix}${serial++}`));
    const dock = `urn:stockwire:loc:${site}:dock-1`;
    const shelf = `urn:stockwire:loc:${site}:shelf-${(group % 8) + 1}`;
    events.push({
      id: `${prefix}r${group}`,
      type: 'receipt',
      location: dock,
      epcs,
      time: time(group * 3),
      flags: ['no_po_cost'],
    });
    events.push({ id: `${prefix}t${group}`, type: 'transfer', from: dock, to: shelf, epcs, time: time(group * 3 + 1) });
    events.push({ id: `${prefix}s${group}`, type: 'sale', location: shelf, epcs, time: time(group * 3 + 2) });
  }
  // Keep the step order per EPC but interleave groups like a real stream of stores.
  const ordered: Transaction[] = [];
  const window = BATCH_EVENTS;
  for (let start = 0; start < groups; start += window) {
    for (let step = 0; step < 3; step++)
      for (let group = start; group < Math.min(groups, start + window); group++)
        ordered.push(events[group * 3 + step] as Transaction);
  }
  return ordered;
}

const lineCount = (events: readonly Transaction[]) =>
  events.reduce((sum, event) => sum + ('epcs' in event && event.epcs ? event.epcs.length : 0), 0);

async function measure(
  store: LedgerStore,
  events: readonly Transaction[],
  batchEvents: number,
  timeMaxMs = Infinity,
): Promise<{ lines: number; seconds: number; cpuSeconds: number }> {
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  let lines = 0;
  for (let start = 0; start < events.length; start += batchEvents) {
    const batch = events.slice(start, start + batchEvents);
    const results = await store.applyBatch(batch);
    for (const result of results)
      if (result.status !== 'applied')
        throw new Error(`bench event ${result.id} ${result.status}: ${result.reason ?? ''}`);
    lines += lineCount(batch);
    if (performance.now() - startMs > timeMaxMs) break;
  }
  const cpu = process.cpuUsage(startCpu);
  return { lines, seconds: (performance.now() - startMs) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function benchStore(name: string, open: (label: string) => Promise<LedgerStore>, lines: number): Promise<void> {
  const fastRuns: { batchEvents: number; lines: number; seconds: number; cpuSeconds: number }[] = [];
  for (const batchEvents of BATCH_EVENTS_RUNS) {
    const fastStore = await open(`fast_${batchEvents}`);
    const fast = await measure(fastStore, workload(lines, EVENT_EPCS, 'f'), batchEvents);
    const report = await fastStore.check();
    await fastStore.close();
    if (!report.ok) throw new Error(`${name}: ledger check failed after the batched run`);
    fastRuns.push({ batchEvents, ...fast });
  }
  const naiveStore = await open('naive');
  const naive = await measure(naiveStore, workload(NAIVE_LINES_MAX, 1, 'n'), 1, NAIVE_TIME_MAX_MS);
  await naiveStore.close();
  const naiveRate = naive.lines / naive.seconds;
  process.stdout.write(
    `${name.padEnd(10)} naive:   ${Math.round(naiveRate).toLocaleString('en')} lines/s (${naive.lines.toLocaleString('en')} lines, 1 EPC/event, 1 event/transaction)\n`,
  );
  for (const fast of fastRuns) {
    const fastRate = fast.lines / fast.seconds;
    // Lines per CPU-second of this process: what the ledger costs whatever else shares the machine
    // (for PostgreSQL the server's CPU is not in it).
    process.stdout.write(
      `${''.padEnd(10)} batched: ${Math.round(fastRate).toLocaleString('en')} lines/s = ${(fastRate / naiveRate).toFixed(1)}× naive ` +
        `(${fast.lines.toLocaleString('en')} lines in ${fast.seconds.toFixed(2)} s, ${EVENT_EPCS} EPCs/event, ${fast.batchEvents} events = ${(fast.batchEvents * EVENT_EPCS).toLocaleString('en')} lines/transaction; ` +
        `${Math.round(fast.lines / fast.cpuSeconds).toLocaleString('en')} lines per Node CPU-second)\n`,
    );
  }
}

export async function run(): Promise<void> {
  const lines = Number(process.env['LEDGER_BENCH_LINES'] ?? LINES_DEFAULT);
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-bench-ledger-'));
  try {
    const stores = (process.env['LEDGER_BENCH_STORES'] ?? 'sqlite,postgres').split(',');
    if (stores.includes('sqlite'))
      await benchStore(
        'sqlite',
        (label) =>
          openLedgerStore(
            { kind: 'sqlite', path: join(directory, `${label}.sqlite`) } satisfies StoreConfig,
            catalog(),
          ),
        lines,
      );
    if (!stores.includes('postgres')) return;
    const server = await startPostgres({ durable: true });
    try {
      await benchStore(
        'postgres',
        async (label) =>
          openLedgerStore(
            { kind: 'postgres', url: await server.createDatabase(`bench_${label}`), poolSize: 2 },
            catalog(),
          ),
        lines,
      );
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  process.stdout.write(
    `targets: ≥ 100,000 lines/s SQLite, ≥ 30,000 lines/s PostgreSQL, ≥ 20× naive (load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')} on ${cpus().length} CPUs)\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
