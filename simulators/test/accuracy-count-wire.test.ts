import { describe, expect, it } from 'vitest';
import { buildEpcisDocument, type EpcisEvent } from '../../shared/src/contracts/epcis.js';
import { COUNT_DIGEST_EXTENSION, FULL_COUNT_EXTENSION } from '../../shared/src/contracts/count-digest.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { buildCatalog } from '../../cloud/src/ledger/catalog.js';
import { openLedgerStore } from '../../cloud/src/store/open.js';
import { openCountWire } from '../src/accuracy/count-digests.js';

const SHELF_LOCATION = 'urn:stockwire:loc:store-1:shelf-a1';
const urn = (serial: number) => `urn:epc:id:sgtin:0614141.012345.${serial}`;

function shelfCount(timeMs: number, epcs: string[]): EpcisEvent {
  return withEventId({
    type: 'ObjectEvent',
    eventTime: new Date(timeMs).toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: epcs,
    action: 'OBSERVE',
    bizStep: 'cycle_counting',
    readPoint: { id: SHELF_LOCATION },
    bizLocation: { id: SHELF_LOCATION },
    'stockwire:shelf': 'shelf-a1',
  }) as EpcisEvent;
}

describe('shelf counts on the wire (gateway digester ↔ cloud resolver)', () => {
  it('a digest the books do not confirm asks for the full set, and the next count goes out in full', async () => {
    // Empty books: the shelf's first full count is not booked here, so its next digest disagrees.
    const store = await openLedgerStore({ kind: 'memory' }, buildCatalog({ products: [] }));
    try {
      const wire = openCountWire({ digests: true, store, siteId: 'store-1', gatewayId: 'gw-1' });
      const sent: EpcisEvent[] = [];
      for (const [index, timeMs] of [0, 300_000, 600_000].entries()) {
        wire.advanceTo(timeMs);
        const [event] = wire.shape([shelfCount(timeMs, [urn(1), urn(2), urn(3), urn(index + 4)])]);
        sent.push(event as EpcisEvent);
        const resolved = await wire.resolve(
          buildEpcisDocument([event as EpcisEvent], { creationDate: '2026-03-02T08:00:00Z' }),
        );
        if (index === 1) expect(resolved?.size).toBe(0);
      }
      expect(
        sent.map((event) => event[FULL_COUNT_EXTENSION] ?? (event[COUNT_DIGEST_EXTENSION] ? 'digest' : '?')),
      ).toEqual(['first', 'digest', 'requested']);
      const stats = wire.stats();
      expect(stats).toMatchObject({
        counts: 3,
        digests: 1,
        digestsAgreed: 0,
        digestsDisagreed: 1,
        fullCountRequests: 1,
      });
      expect(stats.bytes).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('with digests off every count carries its whole set', async () => {
    const store = await openLedgerStore({ kind: 'memory' }, buildCatalog({ products: [] }));
    try {
      const wire = openCountWire({ digests: false, store, siteId: 'store-1', gatewayId: 'gw-1' });
      const counts = [shelfCount(0, [urn(1)]), shelfCount(300_000, [urn(1)])];
      expect(counts.flatMap((count) => wire.shape([count]))).toEqual(counts);
      expect(wire.stats()).toMatchObject({ counts: 2, digests: 0 });
    } finally {
      await store.close();
    }
  });
});
