import type { PositionChange } from '../events.js';
import { addQty, compareQty, negateQty, subtractQty } from './quantity.js';
import { parseTimeMs } from './rules/snapshot.js';
import type { LayerView } from './view.js';

/** Movements that take stock out to a customer, supplier or another place: what "moving" means. */
export const OUTBOUND_KINDS: ReadonlySet<string> = new Set(['sale', 'supplier_return', 'transfer_out', 'shipment']);

interface TrackedLayer {
  receivedMs: number;
  qty: string;
}

interface TrackedPosition {
  product: string;
  location: string;
  /** Oldest first, as FIFO consumes them. */
  layers: TrackedLayer[];
  lastOutboundMs: number | null;
}

export interface FifoTrackerLimits {
  /** Positions tracked; past it the least recently changed is forgotten (its ageing restarts). */
  positionsMax: number;
  /** Layers per position; past it the two oldest merge, keeping the older date (ages err on the old side). */
  layersPerPositionMax: number;
}

export type MovementLike = Pick<PositionChange, 'product' | 'location' | 'kind' | 'qtyDelta' | 'qtyAfter' | 'time'>;

/**
 * Rebuilds FIFO receipt layers and the last outbound time per product × location from the
 * stream of movements, for ageing (slow-moving / obsolete) when the ledger store keeps
 * layer quantities without receipt dates. Inbound quantity opens a dated layer, outbound
 * consumes the oldest first, and every change is reconciled to the ledger's `qtyAfter`,
 * so the tracker heals itself if it started mid-stream. No I/O, no clock; bounded.
 */
export class FifoAgeingTracker {
  private readonly positions = new Map<string, TrackedPosition>();
  private evictedCount = 0;

  constructor(private readonly limits: FifoTrackerLimits = { positionsMax: 100_000, layersPerPositionMax: 64 }) {}

  get size(): number {
    return this.positions.size;
  }

  get evicted(): number {
    return this.evictedCount;
  }

  apply(movements: readonly MovementLike[]): void {
    for (const movement of movements) this.applyOne(movement);
  }

  layers(): LayerView[] {
    const layers: LayerView[] = [];
    for (const position of this.positions.values()) {
      for (const layer of position.layers)
        layers.push({
          product: position.product,
          location: position.location,
          receivedTime: new Date(layer.receivedMs).toISOString(),
          remainingQty: layer.qty,
        });
    }
    return layers;
  }

  lastOutboundTime(product: string, location: string): string | null {
    const lastMs = this.positions.get(keyOf(product, location))?.lastOutboundMs ?? null;
    return lastMs === null ? null : new Date(lastMs).toISOString();
  }

  private applyOne(movement: MovementLike): void {
    const timeMs = parseTimeMs(movement.time);
    if (timeMs === null) return;
    const key = keyOf(movement.product, movement.location);
    const position = this.positions.get(key) ?? {
      product: movement.product,
      location: movement.location,
      layers: [],
      lastOutboundMs: null,
    };
    // re-insert: Map order = least recently changed first, for eviction
    this.positions.delete(key);
    this.positions.set(key, position);
    const delta = movement.qtyDelta;
    if (compareQty(delta, '0') > 0) addLayer(position, timeMs, delta);
    else if (compareQty(delta, '0') < 0) {
      consumeOldest(position, negateQty(delta));
      if (OUTBOUND_KINDS.has(movement.kind))
        position.lastOutboundMs = Math.max(position.lastOutboundMs ?? timeMs, timeMs);
    }
    reconcile(position, movement.qtyAfter, timeMs);
    while (position.layers.length > this.limits.layersPerPositionMax) mergeOldestTwo(position);
    while (this.positions.size > this.limits.positionsMax) {
      const oldest = this.positions.keys().next();
      if (oldest.done) break;
      this.positions.delete(oldest.value);
      this.evictedCount += 1;
    }
  }
}

function keyOf(product: string, location: string): string {
  return `${product}\u0000${location}`;
}

function addLayer(position: TrackedPosition, receivedMs: number, qty: string): void {
  // late events land in date order, so FIFO still consumes the oldest receipt first
  let index = position.layers.length;
  while (index > 0 && (position.layers[index - 1]?.receivedMs ?? 0) > receivedMs) index -= 1;
  position.layers.splice(index, 0, { receivedMs, qty });
}

function consumeOldest(position: TrackedPosition, qty: string): void {
  let remaining = qty;
  while (compareQty(remaining, '0') > 0 && position.layers.length > 0) {
    const oldest = position.layers[0] as TrackedLayer;
    if (compareQty(oldest.qty, remaining) > 0) {
      oldest.qty = subtractQty(oldest.qty, remaining);
      return;
    }
    remaining = subtractQty(remaining, oldest.qty);
    position.layers.shift();
  }
}

function reconcile(position: TrackedPosition, qtyAfter: string, timeMs: number): void {
  if (compareQty(qtyAfter, '0') <= 0) {
    position.layers = [];
    return;
  }
  const tracked = position.layers.reduce((sum, layer) => addQty(sum, layer.qty), '0');
  const difference = compareQty(qtyAfter, tracked);
  if (difference > 0) addLayer(position, timeMs, subtractQty(qtyAfter, tracked));
  else if (difference < 0) consumeOldest(position, subtractQty(tracked, qtyAfter));
}

function mergeOldestTwo(position: TrackedPosition): void {
  const [first, second] = position.layers;
  if (!first || !second) return;
  position.layers.splice(0, 2, { receivedMs: first.receivedMs, qty: addQty(first.qty, second.qty) });
}
