import { describe, expect, it } from 'vitest';
import { FifoAgeingTracker, type MovementLike } from '../../src/alerts/fifo-tracker.js';
import { createStoreView, type LedgerStoreLike } from '../../src/alerts/store-adapter.js';
import { CloudEvents, type PositionChange } from '../../src/events.js';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function move(day: number, kind: string, qtyDelta: string, qtyAfter: string, location = 'backroom'): MovementLike {
  return { product: 'P', location, kind, qtyDelta, qtyAfter, time: new Date(T0 + day * DAY_MS).toISOString() };
}

function layersOf(tracker: FifoAgeingTracker): [number, string][] {
  return tracker.layers().map((layer) => [(Date.parse(layer.receivedTime) - T0) / DAY_MS, layer.remainingQty]);
}

describe('FIFO ageing tracker', () => {
  it('consumes the oldest receipt first and remembers the last outbound movement', () => {
    const tracker = new FifoAgeingTracker();
    tracker.apply([move(0, 'receipt', '10', '10'), move(5, 'receipt', '10', '20'), move(7, 'sale', '-12', '8')]);
    expect(layersOf(tracker)).toEqual([[5, '8']]);
    expect(tracker.lastOutboundTime('P', 'backroom')).toBe(new Date(T0 + 7 * DAY_MS).toISOString());
  });

  it('does not treat a count loss as movement, but consumes stock for it', () => {
    const tracker = new FifoAgeingTracker();
    tracker.apply([move(0, 'receipt', '10', '10'), move(3, 'count', '-4', '6')]);
    expect(layersOf(tracker)).toEqual([[0, '6']]);
    expect(tracker.lastOutboundTime('P', 'backroom')).toBeNull();
  });

  it('puts a late receipt in date order', () => {
    const tracker = new FifoAgeingTracker();
    tracker.apply([move(5, 'receipt', '2', '2'), move(1, 'receipt', '3', '5'), move(6, 'sale', '-3', '2')]);
    expect(layersOf(tracker)).toEqual([[5, '2']]);
  });

  it('reconciles to the ledger quantity when it started mid-stream', () => {
    const tracker = new FifoAgeingTracker();
    tracker.apply([move(9, 'sale', '-1', '7')]); // never saw the receipts: 7 units dated now
    expect(layersOf(tracker)).toEqual([[9, '7']]);
    tracker.apply([move(10, 'sale', '-7', '0')]);
    expect(layersOf(tracker)).toEqual([]);
  });

  it('stays bounded: merges the oldest layers and evicts the least recently changed position', () => {
    const tracker = new FifoAgeingTracker({ positionsMax: 2, layersPerPositionMax: 2 });
    tracker.apply([move(0, 'receipt', '1', '1'), move(1, 'receipt', '1', '2'), move(2, 'receipt', '1', '3')]);
    expect(layersOf(tracker)).toEqual([
      [0, '2'],
      [2, '1'],
    ]);
    tracker.apply([move(3, 'receipt', '1', '1', 'a'), move(3, 'receipt', '1', '1', 'b')]);
    expect(tracker.size).toBe(2);
    expect(tracker.evicted).toBe(1);
  });
});

describe('store adapter', () => {
  it('replays the entries, then follows positionsChanged, and maps rows to the view', async () => {
    const entries = [move(0, 'receipt', '10', '10'), move(40, 'receipt', '5', '15'), move(41, 'sale', '-3', '12')].map(
      (entry, index) => ({ ...entry, seq: index + 1 }),
    );
    const store: LedgerStoreLike = {
      stock: async () => [
        { product: 'P', location: 'backroom', site: 'store-1', qty: '12', available: '12', value: '24.00' },
      ],
      products: async () => [{ gtin: 'P', name: 'Product', reorderPoint: '4' }],
      salesHistory: async () => [{ time: new Date(T0 + 41 * DAY_MS).toISOString(), qty: '3' }],
      entries: async (query = {}) => {
        const from = entries.filter((entry) => entry.seq > (query.after ?? 0));
        const items = from.slice(0, query.limit ?? 100);
        return { items, nextAfter: from.length > items.length ? (items[items.length - 1]?.seq ?? null) : null };
      },
    };
    const events = new CloudEvents();
    const { view, bootstrappedEntries, detach } = await createStoreView(store, events, { bootstrapPageSize: 2 });
    expect(bootstrappedEntries).toBe(3);
    expect((await view.layers()).map((layer) => layer.remainingQty)).toEqual(['7', '5']);
    expect(await view.products()).toEqual([{ product: 'P', name: 'Product', reorderPoint: '4', reorderQty: null }]);
    const change: PositionChange = {
      ...move(42, 'sale', '-8', '4'),
      valueDelta: '0',
      valueAfter: '0',
      transactionId: 't',
    };
    events.emit('positionsChanged', [change]);
    expect((await view.layers()).map((layer) => layer.remainingQty)).toEqual(['4']);
    expect((await view.positions())[0]).toMatchObject({ availableQty: '12', lastOutboundTime: change.time });
    detach();
  });
});
