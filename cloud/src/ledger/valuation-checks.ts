import { ACCOUNTS } from './catalog.js';
import { formatMoney, formatQuantity, formatUnitCost, unitCostOf } from './decimal.js';
import { positionKey, type Layer, type Position } from './state.js';
import type { Valuation } from './valuation.js';

/**
 * Checks that catch books that balance but are wrong (pure, no I/O; fed by the
 * stores through InvariantChecker):
 *  - a position's value lies within [min, max] of its layers' unit costs × quantity;
 *  - no position with quantity ≥ 0 and no layer with quantity > 0 holds a negative value;
 *  - FIFO layers are in time order: each layer is named after the transaction that
 *    brought it to this position (receipt, transfer, return, gain), so the arrival
 *    sequence numbers must not decrease from the front of the queue to the back;
 *  - each reversal mirrors its original: every position's quantity and every
 *    account except the inventory accounts and Cost Variance move exactly back.
 */

export interface CheckItem {
  name: string;
  ok: boolean;
  checked: number;
  violations: string[];
}

/** Reports stay readable: each check lists at most this many violations. */
export const CHECK_VIOLATIONS_MAX = 20;

export function checkItem(name: string): CheckItem {
  return { name, ok: true, checked: 0, violations: [] };
}

export function failCheck(check: CheckItem, violation: string): void {
  check.ok = false;
  if (check.violations.length < CHECK_VIOLATIONS_MAX) check.violations.push(violation);
}

export const VALUATION_CHECK_NAMES = {
  range: "stock value within its layers' unit costs",
  negative: 'no negative value with non-negative quantity',
  fifoOrder: 'FIFO layers in time order',
  mirror: 'each reversal mirrors its original',
} as const;

/** Layers that are real stock (the provisional negative layer has no unit-cost range). */
const stockLayers = (position: Position): Layer[] => position.layers.filter((layer) => layer.qty > 0n);

export function checkValueRange(positions: readonly Position[]): CheckItem {
  const check = checkItem(VALUATION_CHECK_NAMES.range);
  for (const position of positions) {
    const layers = stockLayers(position);
    if (position.qty <= 0n || layers.length !== position.layers.length) continue;
    check.checked++;
    // value / qty within [min, max] of layer.value / layer.qty, compared by cross-multiplying (exact).
    const below = layers.every((layer) => position.value * layer.qty < layer.value * position.qty);
    const above = layers.every((layer) => position.value * layer.qty > layer.value * position.qty);
    if (below || above)
      failCheck(
        check,
        `${position.product} at ${position.location}: unit cost ${formatUnitCost(unitCostOf(position.value, position.qty))} outside its layers' ${layers.map((layer) => formatUnitCost(unitCostOf(layer.value, layer.qty))).join(', ')}`,
      );
  }
  return check;
}

export function checkNoNegativeValue(positions: readonly Position[]): CheckItem {
  const check = checkItem(VALUATION_CHECK_NAMES.negative);
  for (const position of positions) {
    check.checked++;
    const where = `${position.product} at ${position.location}`;
    if (position.qty >= 0n && position.value < 0n)
      failCheck(check, `${where}: quantity ${formatQuantity(position.qty)} holds value ${formatMoney(position.value)}`);
    for (const layer of stockLayers(position))
      if (layer.value < 0n)
        failCheck(
          check,
          `${where}: layer ${layer.sourceId} of ${formatQuantity(layer.qty)} holds ${formatMoney(layer.value)}`,
        );
  }
  return check;
}

/** Source ids that are not transactions: the moving-average pool and the negative-stock layer. */
const SYNTHETIC_SOURCES = new Set(['average', 'negative']);

export function layerSourceIds(positions: readonly Position[]): string[] {
  const ids = new Set<string>();
  for (const position of positions)
    for (const layer of position.layers) if (!SYNTHETIC_SOURCES.has(layer.sourceId)) ids.add(layer.sourceId);
  return [...ids];
}

export function checkFifoOrder(
  positions: readonly Position[],
  valuationOf: (product: string) => Valuation | undefined,
  sequenceOf: ReadonlyMap<string, number>,
): CheckItem {
  const check = checkItem(VALUATION_CHECK_NAMES.fifoOrder);
  for (const position of positions) {
    // A pool is one layer; an unknown product (check without --catalog) with several layers is FIFO.
    if (valuationOf(position.product) === 'average' || position.layers.length < 2) continue;
    check.checked++;
    let previous = { sequence: -1, sourceId: '' };
    for (const layer of position.layers) {
      const sequence = sequenceOf.get(layer.sourceId);
      if (sequence === undefined) continue;
      if (sequence < previous.sequence) {
        failCheck(
          check,
          `${position.product} at ${position.location}: layer ${layer.sourceId} (#${sequence}) queued behind ${previous.sourceId} (#${previous.sequence})`,
        );
        break;
      }
      previous = { sequence, sourceId: layer.sourceId };
    }
  }
  return check;
}

/** What one transaction moved: quantity per position, amount (debit − credit) per account. */
export interface TransactionMoves {
  qtyByPosition: Map<string, bigint>;
  amountByAccount: Map<string, bigint>;
  inventoryAccounts: Set<string>;
}

export function emptyMoves(): TransactionMoves {
  return { qtyByPosition: new Map(), amountByAccount: new Map(), inventoryAccounts: new Set() };
}

export function addEntryMove(
  moves: TransactionMoves,
  product: string,
  location: string,
  qtyDelta: bigint,
  inventoryAccount: string,
): void {
  const key = positionKey(product, location);
  moves.qtyByPosition.set(key, (moves.qtyByPosition.get(key) ?? 0n) + qtyDelta);
  moves.inventoryAccounts.add(inventoryAccount);
}

export function addJournalMove(moves: TransactionMoves, account: string, amount: bigint): void {
  moves.amountByAccount.set(account, (moves.amountByAccount.get(account) ?? 0n) + amount);
}

export function checkReversalMirrors(
  pairs: readonly { original: string; reversal: string }[],
  movesOf: (transactionId: string) => TransactionMoves,
): CheckItem {
  const check = checkItem(VALUATION_CHECK_NAMES.mirror);
  for (const { original, reversal } of pairs) {
    check.checked++;
    const before = movesOf(original);
    const after = movesOf(reversal);
    for (const key of new Set([...before.qtyByPosition.keys(), ...after.qtyByPosition.keys()])) {
      const net = (before.qtyByPosition.get(key) ?? 0n) + (after.qtyByPosition.get(key) ?? 0n);
      if (net !== 0n)
        failCheck(
          check,
          `${reversal} leaves ${formatQuantity(net)} of ${key.replace('\u0000', ' at ')} that ${original} moved`,
        );
    }
    // Inventory accounts may differ by what Cost Variance took (stock no longer there at its old cost).
    const free = new Set([...before.inventoryAccounts, ...after.inventoryAccounts, ACCOUNTS.costVariance]);
    for (const account of new Set([...before.amountByAccount.keys(), ...after.amountByAccount.keys()])) {
      if (free.has(account)) continue;
      const net = (before.amountByAccount.get(account) ?? 0n) + (after.amountByAccount.get(account) ?? 0n);
      if (net !== 0n) failCheck(check, `${reversal} leaves ${formatMoney(net)} on ${account} that ${original} posted`);
    }
  }
  return check;
}
