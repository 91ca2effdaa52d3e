import type { MagnitudeCheck } from './limits.js';
import type { Layer, Position } from './state.js';
import { unitCostOf } from './decimal.js';

/**
 * The numbers one booking would store, as magnitude checks (limits.ts): each touched
 * position's deltas, quantity, value, average unit cost and FIFO layers, and each
 * journal amount. Layers are checked by `check` on stored rows only: a booking's
 * layers are all non-negative (or one negative layer alone), so when the position's
 * totals are within the limit every layer is, and skipping them keeps a FIFO position
 * with thousands of layers as cheap to post to as before.
 */
export interface TouchedPosition {
  product: string;
  location: string;
  qtyDelta: bigint;
  valueDelta: bigint;
  position: Position;
}

export function* magnitudeChecksOf(
  touched: Iterable<TouchedPosition>,
  journalAmounts: ReadonlyMap<string, bigint>,
): Generator<MagnitudeCheck> {
  for (const draft of touched) {
    const where = `${draft.product} at ${draft.location}`;
    yield { what: `quantity change of ${where}`, kind: 'quantity', value: draft.qtyDelta };
    yield { what: `value change of ${where}`, kind: 'money', value: draft.valueDelta };
    yield* positionChecks(draft.position, { layers: false });
  }
  for (const [account, amount] of journalAmounts)
    yield { what: `journal amount on ${account}`, kind: 'money', value: amount };
}

/** A stored position's numbers; also used by the invariant checker on rows already stored. */
export function* positionChecks(position: Position, options = { layers: true }): Generator<MagnitudeCheck> {
  const where = `${position.product} at ${position.location}`;
  yield { what: `quantity of ${where}`, kind: 'quantity', value: position.qty };
  yield { what: `value of ${where}`, kind: 'money', value: position.value };
  if (position.qty > 0n)
    yield { what: `unit cost of ${where}`, kind: 'unitCost', value: unitCostOf(position.value, position.qty) };
  if (options.layers) yield* layerChecks(where, position.layers);
}

function* layerChecks(where: string, layers: readonly Layer[]): Generator<MagnitudeCheck> {
  for (const layer of layers) {
    yield { what: `layer ${layer.sourceId} quantity of ${where}`, kind: 'quantity', value: layer.qty };
    yield { what: `layer ${layer.sourceId} value of ${where}`, kind: 'money', value: layer.value };
  }
}
