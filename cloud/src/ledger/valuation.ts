import { extendValue, minimum, proportionalValue, unitCostOf } from './decimal.js';
import type { Layer, Position } from './state.js';

/**
 * FIFO and moving-average valuation as pure functions on a position's layers.
 * Moving average is FIFO with a single pooled layer, so both share one code path.
 * Adjacent FIFO layers with the same unit cost are merged (keeping the older source id).
 * Every function keeps `position.value === Σ layer values` exactly; the caller
 * asserts it before posting.
 *
 * Negative stock (only for products with allowNegative): the position holds one
 * negative layer valued at a provisional unit cost (the last cost issued, else
 * the standard cost). The next receipt first covers it; the difference between
 * the receipt's cost and the provisional cost of the covered units is the
 * `variance`, which the engine posts Dr COGS / Cr Inventory (or the reverse).
 */

export type Valuation = 'fifo' | 'average';

export interface IssueOptions {
  valuation: Valuation;
  allowNegative: boolean;
  /** Unit cost for a shortfall when nothing else gives one (standard cost). */
  fallbackUnitCost: bigint | undefined;
  /** Consume layers brought in by this transaction first (supplier return of a receipt). */
  preferSourceId?: string;
  /** Consume layers at exactly this layer's unit cost first (a reversal taking back units merged into an older layer). */
  preferCostOf?: Layer;
}

export type IssueOutcome =
  { ok: true; position: Position; value: bigint; consumed: Layer[] } | { ok: false; availableQty: bigint };

export function layersValue(layers: readonly Layer[]): bigint {
  let total = 0n;
  for (const layer of layers) total += layer.value;
  return total;
}

export function layersQty(layers: readonly Layer[]): bigint {
  let total = 0n;
  for (const layer of layers) total += layer.qty;
  return total;
}

function consumptionOrder(layers: readonly Layer[], options: IssueOptions): number[] {
  const indexes = layers.map((_, index) => index);
  const { preferSourceId, preferCostOf } = options;
  if (preferSourceId === undefined && preferCostOf === undefined) return indexes;
  const preferred = (index: number) => {
    const layer = layers[index] as Layer;
    if (layer.sourceId === preferSourceId) return true;
    return (
      preferCostOf !== undefined && layer.qty > 0n && layer.value * preferCostOf.qty === preferCostOf.value * layer.qty
    );
  };
  return [...indexes.filter(preferred), ...indexes.filter((index) => !preferred(index))];
}

/** Takes `qty` out of a position at its cost: oldest layers first, or the pool's average. */
export function issue(position: Position, qty: bigint, options: IssueOptions): IssueOutcome {
  const all = position.layers.map((layer) => ({ ...layer }));
  const consumed: Layer[] = [];
  let remaining = qty;
  // Preferred layers are consumed first, but what is left of them keeps its place in the queue (time order).
  for (const index of consumptionOrder(all, options)) {
    const layer = all[index] as Layer;
    if (remaining === 0n || layer.qty <= 0n) break;
    const take = minimum(remaining, layer.qty);
    const value = proportionalValue(layer.value, take, layer.qty);
    consumed.push({ qty: take, value, sourceId: layer.sourceId });
    remaining -= take;
    all[index] = { qty: layer.qty - take, value: layer.value - value, sourceId: layer.sourceId };
  }
  let layers = all.filter((layer) => layer.qty !== 0n);
  if (remaining > 0n) {
    if (!options.allowNegative) return { ok: false, availableQty: position.qty > 0n ? position.qty : 0n };
    const negative = layers[0] && layers[0].qty < 0n ? layers[0] : undefined;
    const lastConsumed = consumed[consumed.length - 1];
    const provisionalUnitCost = lastConsumed
      ? unitCostOf(lastConsumed.value, lastConsumed.qty)
      : negative
        ? unitCostOf(negative.value, negative.qty)
        : (options.fallbackUnitCost ?? 0n);
    const value = extendValue(remaining, provisionalUnitCost);
    consumed.push({ qty: remaining, value, sourceId: 'negative' });
    layers = [
      negative
        ? { qty: negative.qty - remaining, value: negative.value - value, sourceId: 'negative' }
        : { qty: -remaining, value: -value, sourceId: 'negative' },
    ];
  }
  const value = layersValue(consumed);
  return {
    ok: true,
    position: { ...position, qty: position.qty - qty, value: position.value - value, layers },
    value,
    consumed,
  };
}

export interface ReceiveOutcome {
  position: Position;
  /** Change of the position's value: Σ incoming values − variance. */
  valueDelta: bigint;
  /** Cost of the covered negative units minus their provisional value (positive: they cost more). */
  variance: bigint;
}

/** Adds layers (each with qty > 0) to a position: FIFO appends them, moving average pools them. */
export function receive(position: Position, incoming: readonly Layer[], valuation: Valuation): ReceiveOutcome {
  let layers = position.layers.map((layer) => ({ ...layer }));
  let variance = 0n;
  let incomingValue = 0n;
  let incomingQty = 0n;
  for (const layer of incoming) {
    incomingValue += layer.value;
    incomingQty += layer.qty;
    let qty = layer.qty;
    let value = layer.value;
    const negative = layers[0];
    if (negative && negative.qty < 0n) {
      const cover = minimum(qty, -negative.qty);
      const coveredCost = proportionalValue(value, cover, qty);
      const coveredProvisional = proportionalValue(negative.value, -cover, negative.qty); // negative number
      variance += coveredCost + coveredProvisional;
      const left = {
        qty: negative.qty + cover,
        value: negative.value - coveredProvisional,
        sourceId: negative.sourceId,
      };
      layers = left.qty === 0n ? [] : [left];
      qty -= cover;
      value -= coveredCost;
    }
    if (qty === 0n) continue;
    if (valuation === 'average' && layers.length > 0 && (layers[0]?.qty ?? 0n) > 0n) {
      const pool = layers[0] as Layer;
      layers = [{ qty: pool.qty + qty, value: pool.value + value, sourceId: 'average' }];
    } else if (valuation === 'average') {
      layers = [{ qty, value, sourceId: 'average' }];
    } else {
      // Adjacent layers at exactly the same unit cost are one layer: RFID receipts at standard
      // cost would otherwise grow a layer per event. Costs are unchanged by the merge.
      const last = layers[layers.length - 1];
      if (last && last.qty > 0n && last.value * qty === value * last.qty)
        layers[layers.length - 1] = { qty: last.qty + qty, value: last.value + value, sourceId: last.sourceId };
      else layers.push({ qty, value, sourceId: layer.sourceId });
    }
  }
  const valueDelta = incomingValue - variance;
  return {
    position: { ...position, qty: position.qty + incomingQty, value: position.value + valueDelta, layers },
    valueDelta,
    variance,
  };
}

/**
 * Removes exactly the quantity and value a transaction brought in (reversal of a
 * receipt or transfer, late-event compensation). FIFO takes it from the newest
 * layer that came from `sourceId` or has exactly the same unit cost (adjacent
 * layers at one cost are merged, so a layer's id can be an older one's) and still
 * holds the quantity; the pool needs the quantity. Undefined when not possible.
 * The removed value is `value`, except when the layer or pool empties (all of it
 * goes) and when `value` exceeds what is there (a pool whose average fell since):
 * then the value there goes, so no layer or pool is ever left with a negative
 * value; the caller posts the difference to Cost Variance.
 */
export function removeExact(
  position: Position,
  qty: bigint,
  value: bigint,
  sourceId: string,
  valuation: Valuation,
): { position: Position; value: bigint } | undefined {
  const layers = position.layers.map((layer) => ({ ...layer }));
  const index = valuation === 'average' ? 0 : matchingLayerIndex(layers, qty, value, sourceId);
  const layer = layers[index];
  if (!layer || layer.qty < qty) return undefined;
  const removed = layer.qty === qty || value > layer.value ? layer.value : value;
  if (layer.qty === qty) layers.splice(index, 1);
  else layers[index] = { qty: layer.qty - qty, value: layer.value - removed, sourceId: layer.sourceId };
  return {
    position: { ...position, qty: position.qty - qty, value: position.value - removed, layers },
    value: removed,
  };
}

function matchingLayerIndex(layers: readonly Layer[], qty: bigint, value: bigint, sourceId: string): number {
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index] as Layer;
    if (layer.qty < qty) continue;
    if (layer.sourceId === sourceId || layer.value * qty === value * layer.qty) return index;
  }
  return -1;
}

/**
 * Puts back layers a transaction took out (reversal of a sale, transfer, supplier
 * return or loss). FIFO puts each one back in front of what is left of the same
 * layer (it came from there), else at the FRONT of the queue: FIFO took it when it
 * was the oldest stock, and everything still here stood behind it or arrived later.
 * Same-cost neighbours merge. The pool takes them at their value. A position in
 * negative stock takes them like a receipt (covering the shortfall first).
 */
export function restore(position: Position, incoming: readonly Layer[], valuation: Valuation): ReceiveOutcome {
  const negative = position.layers.some((layer) => layer.qty < 0n);
  if (valuation === 'average' || negative || position.layers.length === 0)
    return receive(position, incoming, valuation);
  const layers = position.layers.map((layer) => ({ ...layer }));
  // A remainder is what stayed here of a layer: never a piece this restore put back (a transfer
  // names all the layers it carries after itself, so two pieces share an id and the second would
  // otherwise go in front of the first).
  const putBack = new Set<Layer>();
  let front = 0; // layers without a remainder go in front of the queue, in their order
  for (const layer of incoming) {
    const piece = { ...layer };
    putBack.add(piece);
    const remainder = layers.findIndex((each) => !putBack.has(each) && each.sourceId === layer.sourceId);
    if (remainder >= 0) {
      layers.splice(remainder, 0, piece);
      mergeSameCost(layers, remainder);
    } else layers.splice(front++, 0, piece);
  }
  for (let index = front - 1; index >= 0; index--) mergeSameCost(layers, index);
  const qty = layersQty(incoming);
  const value = layersValue(incoming);
  return {
    position: { ...position, qty: position.qty + qty, value: position.value + value, layers },
    valueDelta: value,
    variance: 0n,
  };
}

/** Merges the layer at `index` with its right neighbour at exactly the same unit cost (keeping its own id). */
function mergeSameCost(layers: Layer[], index: number): void {
  const layer = layers[index] as Layer;
  const next = layers[index + 1];
  if (next && next.qty > 0n && layer.value * next.qty === next.value * layer.qty)
    layers.splice(index, 2, { qty: layer.qty + next.qty, value: layer.value + next.value, sourceId: layer.sourceId });
}

/** Unit cost of what the position holds now, else of its last layer; undefined when empty. */
export function currentUnitCost(position: Position): bigint | undefined {
  if (position.qty !== 0n) return unitCostOf(position.value, position.qty);
  return undefined;
}
