import type { PositionChange } from '../events.js';
import {
  addExactQty,
  compareExactQty,
  formatExactQty,
  parseExactQty,
  signOfExactQty,
  subtractExactQty,
  ZERO_QTY,
  type ExactQty,
} from './quantity.js';
import { parseTimeMs } from './rules/snapshot.js';
import type { LayerView } from './view.js';

/** Movements that take stock out to a customer, supplier or another place: what "moving" means. */
export const OUTBOUND_KINDS: ReadonlySet<string> = new Set(['sale', 'supplier_return', 'transfer_out', 'shipment']);

/** Quantities are parsed once per movement and kept exact (scaled BigInt): every change touches every layer. */
interface TrackedLayer {
  receivedMs: number;
  qty: ExactQty;
}

interface TrackedPosition {
  product: string;
  location: string;
  /** Oldest first, as FIFO consumes them. */
  layers: TrackedLayer[];
  /** The sum of `layers`, kept as they change, so reconciling does not add them all up per movement. */
  totalQty: ExactQty;
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
          remainingQty: formatExactQty(layer.qty),
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
      totalQty: ZERO_QTY,
      lastOutboundMs: null,
    };
    // re-insert: Map order = least recently changed first, for eviction
    this.positions.delete(key);
    this.positions.set(key, position);
    const delta = parseExactQty(movement.qtyDelta);
    const sign = signOfExactQty(delta);
    if (sign > 0) addLayer(position, timeMs, delta);
    else if (sign < 0) {
      consumeOldest(position, subtractExactQty(ZERO_QTY, delta));
      if (OUTBOUND_KINDS.has(movement.kind))
        position.lastOutboundMs = Math.max(position.lastOutboundMs ?? timeMs, timeMs);
    }
    reconcile(position, parseExactQty(movement.qtyAfter), timeMs);
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

function addLayer(position: TrackedPosition, receivedMs: number, qty: ExactQty): void {
  // late events land in date order, so FIFO still consumes the oldest receipt first
  let index = position.layers.length;
  while (index > 0 && (position.layers[index - 1]?.receivedMs ?? 0) > receivedMs) index -= 1;
  position.layers.splice(index, 0, { receivedMs, qty });
  position.totalQty = addExactQty(position.totalQty, qty);
}

function consumeOldest(position: TrackedPosition, qty: ExactQty): void {
  let remaining = qty;
  while (signOfExactQty(remaining) > 0 && position.layers.length > 0) {
    const oldest = position.layers[0] as TrackedLayer;
    if (compareExactQty(oldest.qty, remaining) > 0) {
      oldest.qty = subtractExactQty(oldest.qty, remaining);
      position.totalQty = subtractExactQty(position.totalQty, remaining);
      return;
    }
    remaining = subtractExactQty(remaining, oldest.qty);
    position.totalQty = subtractExactQty(position.totalQty, oldest.qty);
    position.layers.shift();
  }
}

function reconcile(position: TrackedPosition, qtyAfter: ExactQty, timeMs: number): void {
  if (signOfExactQty(qtyAfter) <= 0) {
    position.layers = [];
    position.totalQty = ZERO_QTY;
    return;
  }
  const tracked = position.totalQty;
  const difference = compareExactQty(qtyAfter, tracked);
  if (difference > 0) addLayer(position, timeMs, subtractExactQty(qtyAfter, tracked));
  else if (difference < 0) consumeOldest(position, subtractExactQty(tracked, qtyAfter));
}

function mergeOldestTwo(position: TrackedPosition): void {
  const [first, second] = position.layers;
  if (!first || !second) return;
  position.layers.splice(0, 2, { receivedMs: first.receivedMs, qty: addExactQty(first.qty, second.qty) });
}
