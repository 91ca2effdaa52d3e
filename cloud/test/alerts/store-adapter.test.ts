import { describe, expect, it } from 'vitest';
import { createStoreView } from '../../src/alerts/store-adapter.js';
import { CloudEvents } from '../../src/events.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';
import { openLedgerStore } from '../../src/store/open.js';

const GTIN = '00614141073467';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const SHELF = 'urn:stockwire:loc:store-1:shelf-1';
const FLOOR = 'urn:stockwire:loc:store-1:sales-floor';

/** The real (in-memory SQLite) store behind the analytics view: the missing-EPC rule gets its input. */
describe('store view: missing EPCs', () => {
  it('reports EPCs a count did not find and EPCs a shelf lost that were never sold', async () => {
    const catalog = buildCatalog({
      products: [{ gtin: GTIN, standardCost: '1' }],
      locations: [
        { id: BACKROOM, site: 'store-1', kind: 'backroom' },
        { id: SHELF, site: 'store-1', kind: 'shelf' },
        { id: FLOOR, site: 'store-1', kind: 'sales_floor' },
      ],
    });
    const store = await openLedgerStore({ kind: 'memory' }, catalog);
    const epc = (serial: number) => sgtinUrn(GTIN, 7, String(serial));
    await store.applyBatch([
      {
        id: 'r1',
        type: 'receipt',
        location: SHELF,
        epcs: [epc(1), epc(2), epc(3), epc(4)],
        time: '2026-11-25T08:00:00.000Z',
      },
      { id: 't1', type: 'transfer', from: SHELF, to: FLOOR, epcs: [epc(1), epc(2)], time: '2026-11-25T09:00:00.000Z' },
      { id: 's1', type: 'sale', location: FLOOR, epcs: [epc(2)], time: '2026-11-25T09:30:00.000Z' },
      { id: 'k1', type: 'count', location: SHELF, epcs: [epc(3)], time: '2026-11-25T10:00:00.000Z' },
    ]);
    const { view, detach } = await createStoreView(store, new CloudEvents());
    const missing = await view.missingEpcs!();
    expect(missing.map((row) => [row.epc, row.location, row.missingSinceTime]).sort()).toEqual(
      [
        [epc(1), FLOOR, '2026-11-25T09:00:00.000Z'],
        [epc(4), SHELF, '2026-11-25T10:00:00.000Z'],
      ].sort(),
    );
    detach();
    await store.close();
  });
});
