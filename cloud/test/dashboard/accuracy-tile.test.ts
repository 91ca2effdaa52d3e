import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/src/clock.js';
import type { TruthRecord } from '../../../shared/src/contracts/truth.js';
import { silentLogger } from '../../../shared/src/log.js';
import { AccuracyTile } from '../../src/accuracy/tile.js';
import { measureAccuracy } from '../../src/accuracy/compare.js';
import { registerDashboard } from '../../src/dashboard/register.js';
import { CloudEvents } from '../../src/events.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';
import { TransactionSchema } from '../../src/ledger/transactions.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { MemoryLedgerView } from '../alerts/memory-view.js';

/** The dashboard's accuracy tile: a real ledger measured against a hand-made truth file, and the JSON route. */
const GTIN = '00614141073467';
const SHELF = 'urn:stockwire:loc:store-1:shelf-1';
const epc = (serial: number) => sgtinUrn(GTIN, 7, String(serial));
const T0 = Date.parse('2026-03-02T08:00:00Z');
const shelve = (serial: number): TruthRecord => ({
  time: new Date(T0).toISOString(),
  event: 'shelve',
  epc: epc(serial),
  product: GTIN,
  location: SHELF,
});

/** One EPC transaction at the shelf, at T0: the books' side of the comparison. */
const bookAtShelf = (id: string, type: 'receipt' | 'count', serials: number[]) =>
  store.applyBatch([
    TransactionSchema.parse({ id, type, time: new Date(T0).toISOString(), location: SHELF, epcs: serials.map(epc) }),
  ]);

let directory = '';
let truthFile = '';
let store: LedgerStore;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-tile-'));
  truthFile = join(directory, 'truth.jsonl');
  const header = { truth: 'stockwire/truth/v1', scenario: 'hand-made', seed: 1, startTime: new Date(T0).toISOString() };
  // Three items on the shelf; the books will know two of them.
  writeFileSync(truthFile, [header, shelve(1), shelve(2), shelve(3)].map((line) => JSON.stringify(line)).join('\n'));
  store = await openLedgerStore({ kind: 'memory' }, buildCatalog({ products: [{ gtin: GTIN, standardCost: '2' }] }));
  await bookAtShelf('r1', 'receipt', [1, 2]);
});

afterAll(async () => {
  await store?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('accuracy tile', () => {
  it('is empty until a truth is attached', async () => {
    const tile = new AccuracyTile({ clock: new ManualClock(T0), logger: silentLogger() });
    expect(await tile.latest()).toBeNull();
    const report = measureAccuracy({ truth: [shelve(1)], positions: [], epcs: new Map(), atMs: T0 });
    tile.attach(report, 'replay of hand-made');
    expect(await tile.latest()).toMatchObject({ source: 'replay of hand-made', iraPercent: 0, records: 1 });
  });

  it('measures the ledger against a configured truth file, at most once per refresh interval', async () => {
    const clock = new ManualClock(T0 + 3_600_000);
    const tile = new AccuracyTile({ clock, logger: silentLogger(), store, truthFile, refreshMs: 60_000 });
    const first = await tile.latest();
    expect(first).toMatchObject({
      source: 'truth file of hand-made (seed 1)',
      records: 1,
      matching: 0,
      iraPercent: 0,
      epcsCompared: 3,
      epcsPlacedRight: 2,
      epcPercent: 66.7,
    });
    expect(first?.mostWrong).toEqual([
      { product: GTIN, location: SHELF, bookQty: '2', trueQty: '3', why: expect.stringContaining('not in the books') },
    ]);
    expect(first?.anchors.map((anchor) => anchor.iraPercent)).toEqual([65, 94]);
    // The books catch up; the tile shows it once the refresh interval has passed, not before.
    await bookAtShelf('c1', 'count', [1, 2, 3]);
    expect((await tile.latest())?.iraPercent).toBe(0);
    clock.advanceBy(60_000);
    expect(await tile.latest()).toMatchObject({ iraPercent: 100, epcPercent: 100 });
  });

  it('keeps the dashboard up when the truth file is missing', async () => {
    const tile = new AccuracyTile({
      clock: new ManualClock(T0),
      logger: silentLogger(),
      store,
      truthFile: join(directory, 'missing.jsonl'),
    });
    expect(await tile.latest()).toBeNull();
  });

  it('is served at <basePath>/api/accuracy', async () => {
    const tile = new AccuracyTile({ clock: new ManualClock(T0), logger: silentLogger() });
    const app = fastify();
    await registerDashboard(app, {
      events: new CloudEvents(),
      view: new MemoryLedgerView(),
      logger: silentLogger(),
      accuracy: tile,
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/dashboard/api/accuracy' })).json()).toEqual({ accuracy: null });
      tile.attach(measureAccuracy({ truth: [shelve(1)], positions: [], epcs: new Map(), atMs: T0 }), 'replay');
      const body = (await app.inject({ method: 'GET', url: '/dashboard/api/accuracy' })).json<{
        accuracy: { iraPercent: number };
      }>();
      expect(body.accuracy.iraPercent).toBe(0);
      const page = await app.inject({ method: 'GET', url: '/dashboard' });
      expect(page.body).toContain('id="accuracy-panel"');
    } finally {
      await app.close();
    }
  });
});
