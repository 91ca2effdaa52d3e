import { canonicalJson, sha256Hex } from '../../../shared/src/contracts/event-id.js';
import { ACCOUNTS, type Location, type Product } from './catalog.js';
import { Booking, Rejection, reject } from './booking.js';
import {
  extendValue,
  formatMoney,
  formatQuantity,
  ONE_UNIT,
  parseTrusted,
  proportionalValue,
  QUANTITY_SCALE,
  UNIT_COST_SCALE,
  MONEY_SCALE,
} from './decimal.js';
import { epcsByProduct } from './epc-groups.js';
import { LedgerErrors } from './errors.js';
import { applyReversal } from './reversal.js';
import type { ApplyResult, Layer, TransactionRecord } from './state.js';
import type { Transaction } from './transactions.js';
import { boundSiteOf } from './site-binding.js';
import { currentUnitCost } from './valuation.js';
import { applySupplierInvoice } from './supplier-invoice.js';
import type { WorkingState } from './working-state.js';
import { applyUnpack } from './unpack.js';
import { applyEpcWriteOff } from './write-off.js';

/**
 * The pure ledger engine: applies one validated transaction to the working state
 * and returns its result. No I/O, no clock: `nowMs` is the arrival time the store
 * passes in (used when the transaction carries no `time`).
 *
 * Late events are applied when they arrive, with their own event time recorded;
 * nothing already booked is re-valued. A movement older than the last count of a
 * position is compensated against Shrinkage (see Booking).
 */

/**
 * SHA-256 of the canonical JSON (keys sorted, undefined left out) of a validated
 * transaction. Same text as shared canonicalJson; arrays of strings (EPC lists, the
 * bulk of a device event) take the native JSON.stringify path, which writes them identically.
 */
export function transactionHash(transaction: Transaction): string {
  return sha256Hex(canonicalTransactionJson(transaction));
}

function canonicalTransactionJson(value: unknown): string {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return JSON.stringify(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return canonicalJson(value);
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalTransactionJson(entry)}`).join(',')}}`;
}

export function transactionId(transaction: Transaction, hash = transactionHash(transaction)): string {
  if (transaction.id !== undefined) return transaction.id;
  return `product:${transaction.type === 'product' ? transaction.product : 'unknown'}:${hash.slice(0, 16)}`;
}

const ZERO = { qtyDelta: '0', valueDelta: '0', changes: [] };

export function applyTransaction(state: WorkingState, transaction: Transaction, nowMs: number): ApplyResult {
  const payloadHash = transactionHash(transaction);
  const id = transactionId(transaction, payloadHash);
  const existing = state.transaction(id);
  if (existing) {
    if (existing.payloadHash === payloadHash) return { ...existing.result, status: 'duplicate' };
    const error = LedgerErrors.ID_CONFLICT;
    return { id, status: 'conflict', code: error.code, reason: error.message.replace('{id}', id), ...ZERO };
  }
  const timeMs = transaction.time === undefined ? nowMs : Date.parse(transaction.time);
  const booking = new Booking(
    state,
    id,
    timeMs,
    nowMs,
    transaction.type,
    transaction.type === 'reversal' ? transaction.of : undefined,
    'site' in transaction ? transaction.site : undefined,
  );
  booking.boundSite = boundSiteOf(transaction);
  for (const flag of transaction.flags ?? []) booking.flags.add(flag);
  state.begin();
  try {
    dispatch(booking, transaction);
    const outcome = booking.finish();
    const flags = [...booking.flags].sort();
    const result: ApplyResult = {
      id,
      status: 'applied',
      qtyDelta: formatQuantity(outcome.qtyDelta),
      valueDelta: formatMoney(outcome.valueDelta),
      changes: outcome.changes,
      ...(flags.length > 0 ? { flags } : {}),
    };
    const record: TransactionRecord = {
      id,
      type: transaction.type,
      payloadHash,
      payload: transaction,
      timeMs,
      recordedMs: nowMs,
      result,
    };
    state.putTransaction(record);
    if (transaction.type === 'reversal') state.markReversed(transaction.of, id);
    state.commit();
    return result;
  } catch (error) {
    state.rollback();
    if (error instanceof Rejection) return { id, status: 'rejected', code: error.code, reason: error.reason, ...ZERO };
    throw error;
  }
}

function dispatch(booking: Booking, transaction: Transaction): void {
  switch (transaction.type) {
    case 'product':
      return declareProduct(booking, transaction);
    case 'receipt':
      return applyReceipt(booking, transaction);
    case 'sale':
      return applySale(booking, transaction);
    case 'customer_return':
      return applyCustomerReturn(booking, transaction);
    case 'supplier_return':
      return applySupplierReturn(booking, transaction);
    case 'transfer':
      return applyTransfer(booking, transaction);
    case 'adjustment':
      return applyAdjustment(booking, transaction);
    case 'count':
      return applyCount(booking, transaction);
    case 'reversal':
      return applyReversal(booking, transaction);
    case 'unpack':
      return applyUnpack(booking, transaction);
    case 'supplier_invoice':
      return applySupplierInvoice(booking, transaction);
  }
}

type Of<T extends Transaction['type']> = Extract<Transaction, { type: T }>;

const quantity = (text: string): bigint => parseTrusted(text, QUANTITY_SCALE);
const unitCost = (text: string): bigint => parseTrusted(text, UNIT_COST_SCALE);
/** Prices are money-scale; extendValue wants unit-cost scale. */
const priceAsUnitCost = (text: string): bigint =>
  parseTrusted(text, MONEY_SCALE) * 10n ** BigInt(UNIT_COST_SCALE - MONEY_SCALE);

function positiveQuantity(booking: Booking, text: string, product: Product, type: string): bigint {
  const value = quantity(text);
  if (value <= 0n) return reject(LedgerErrors.ZERO_QUANTITY, { type, product: product.gtin });
  return value;
}

function requireProductEpcs(groups: Map<Product, string[]>): void {
  if (groups.size === 0) reject(LedgerErrors.NO_PRODUCT_EPCS);
}

function declareProduct(booking: Booking, transaction: Of<'product'>): void {
  const existing = booking.state.product(transaction.product);
  if (existing && existing.valuation !== transaction.valuation) {
    reject(LedgerErrors.VALUATION_CHANGE, {
      product: transaction.product,
      current: existing.valuation,
      requested: transaction.valuation,
    });
  }
  const { type: _type, id: _id, time: _time, source: _source, product: gtin, ...fields } = transaction;
  booking.state.putProduct({ gtin, ...fields });
}

function receiptUnitCost(
  booking: Booking,
  transaction: { unitCost?: string | undefined; type: string },
  product: Product,
): bigint {
  if (transaction.unitCost !== undefined) return unitCost(transaction.unitCost);
  booking.flags.add('no_po_cost');
  if (product.standardCost !== undefined) return unitCost(product.standardCost);
  return reject(LedgerErrors.MISSING_COST, { type: transaction.type, product: product.gtin });
}

function applyReceipt(booking: Booking, transaction: Of<'receipt'>): void {
  const location = booking.location(transaction.location);
  const named = transaction.product === undefined ? undefined : booking.product(transaction.product);
  if (transaction.epcs === undefined) {
    const product = named as Product;
    const qty = positiveQuantity(booking, transaction.qty ?? '0', product, 'receipt');
    receiveBought(booking, product, location, qty, receiptUnitCost(booking, transaction, product));
    return;
  }
  const groups = epcsByProduct(booking, transaction.epcs, named);
  requireProductEpcs(groups);
  for (const [product, epcs] of groups) {
    const arrived: string[] = [];
    const fromTransit = new Map<string, string[]>();
    for (const epc of epcs) {
      const state = booking.state.epc(epc);
      if (state?.status === 'in_stock') {
        const from = booking.location(state.location);
        if (from.kind === 'in_transit' && from.id !== location.id) {
          let list = fromTransit.get(from.id);
          if (!list) fromTransit.set(from.id, (list = []));
          list.push(epc);
        } else booking.flags.add('epc_already_in_stock');
        continue;
      }
      arrived.push(epc);
    }
    for (const [from, list] of fromTransit)
      moveStock(booking, product, booking.location(from), location, BigInt(list.length) * ONE_UNIT);
    booking.setEpcs([...fromTransit.values()].flat(), product.gtin, location.id, 'in_stock');
    booking.setEpcs(arrived, product.gtin, location.id, 'in_stock');
    const newItems = BigInt(arrived.length);
    if (newItems > 0n)
      receiveBought(booking, product, location, newItems * ONE_UNIT, receiptUnitCost(booking, transaction, product));
  }
}

function receiveBought(booking: Booking, product: Product, location: Location, qty: bigint, cost: bigint): void {
  const value = extendValue(qty, cost);
  booking.receive(product, location, [{ qty, value, sourceId: booking.transactionId }], 'receipt');
  booking.post(ACCOUNTS.grni, -value);
}

/** Moves quantity between locations at cost; Dr Inventory(to) / Cr Inventory(from), which nets to nothing on one account. */
function moveStock(booking: Booking, product: Product, from: Location, to: Location, qty: bigint): void {
  const { consumed } = booking.issue(product, from, qty, 'transfer_out');
  // At the destination the layers are named after the transfer: they arrived there now (FIFO time order).
  booking.receive(
    product,
    to,
    consumed.map((layer) => ({ ...layer, sourceId: booking.transactionId })),
    'transfer_in',
  );
}

function sell(
  booking: Booking,
  product: Product,
  location: Location,
  qty: bigint,
  unitPrice: string | undefined,
): void {
  const { value } = booking.issue(product, location, qty, 'sale');
  booking.post(ACCOUNTS.cogs, value);
  if (unitPrice !== undefined) {
    const revenue = extendValue(qty, priceAsUnitCost(unitPrice));
    booking.post(ACCOUNTS.cash, revenue);
    booking.post(ACCOUNTS.revenue, -revenue);
  }
}

function applySale(booking: Booking, transaction: Of<'sale'>): void {
  const location = booking.location(transaction.location);
  const named = transaction.product === undefined ? undefined : booking.product(transaction.product);
  if (transaction.epcs === undefined) {
    const product = named as Product;
    const qty = positiveQuantity(booking, transaction.qty ?? '0', product, 'sale');
    for (const [from, part] of saleSources(booking, product, location, qty, transaction.alsoFrom ?? []))
      sell(booking, product, from, part, transaction.unitPrice);
    return;
  }
  const groups = epcsByProduct(booking, transaction.epcs, named);
  requireProductEpcs(groups);
  for (const [product, epcs] of groups) {
    // Each EPC leaves from where the ledger knows it is; unknown ones from the sale's location.
    const byLocation = new Map<string, string[]>();
    for (const epc of epcs) {
      const state = booking.state.epc(epc);
      if (state?.status === 'sold') {
        booking.flags.add('epc_already_sold');
        continue;
      }
      const from = state?.status === 'in_stock' ? state.location : location.id;
      let list = byLocation.get(from);
      if (!list) byLocation.set(from, (list = []));
      list.push(epc);
    }
    for (const [from, list] of byLocation) {
      sell(booking, product, booking.location(from), BigInt(list.length) * ONE_UNIT, transaction.unitPrice);
      booking.setEpcs(list, product.gtin, from, 'sold');
    }
  }
}

/**
 * Where a quantity sale takes its units: what `location` has, then each `alsoFrom` location in order, each
 * never below zero; a shortfall none of them covers stays on `location` (refused, or negative when allowed).
 */
function saleSources(
  booking: Booking,
  product: Product,
  location: Location,
  qty: bigint,
  alsoFrom: readonly string[],
): Map<Location, bigint> {
  const parts = new Map<Location, bigint>();
  let remaining = qty;
  for (const candidate of [location, ...alsoFrom.map((id) => booking.location(id))]) {
    if (remaining === 0n) break;
    const onHand = booking.position(product.gtin, candidate.id).qty;
    const part = onHand < remaining ? onHand : remaining;
    if (part <= 0n || parts.has(candidate)) continue;
    parts.set(candidate, part);
    remaining -= part;
  }
  if (remaining > 0n) parts.set(location, (parts.get(location) ?? 0n) + remaining);
  return parts;
}

/** Value of `qty` at the original sale's cost, or the position's cost, or the standard cost. */
function returnValue(
  booking: Booking,
  transaction: Of<'customer_return'>,
  product: Product,
  location: Location,
  qty: bigint,
): bigint {
  if (transaction.of !== undefined) {
    const original = booking.state.transaction(transaction.of);
    const lines =
      original?.type === 'sale'
        ? booking.state.entriesOf(transaction.of).filter((entry) => entry.product === product.gtin)
        : [];
    const soldQty = -lines.reduce((sum, entry) => sum + entry.qtyDelta, 0n);
    const soldValue = -lines.reduce((sum, entry) => sum + entry.valueDelta, 0n);
    if (soldQty <= 0n)
      return reject(LedgerErrors.UNKNOWN_ORIGINAL, { of: transaction.of, expected: 'sale', product: product.gtin });
    return proportionalValue(soldValue, qty, soldQty);
  }
  const cost =
    currentUnitCost(booking.position(product.gtin, location.id)) ??
    (product.standardCost === undefined ? undefined : unitCost(product.standardCost));
  if (cost === undefined) return reject(LedgerErrors.MISSING_COST, { type: 'customer_return', product: product.gtin });
  booking.flags.add('returned_at_current_cost');
  return extendValue(qty, cost);
}

function applyCustomerReturn(booking: Booking, transaction: Of<'customer_return'>): void {
  const location = booking.location(transaction.location);
  const named = transaction.product === undefined ? undefined : booking.product(transaction.product);
  const groups = new Map<Product, string[]>();
  if (transaction.epcs === undefined) groups.set(named as Product, []);
  else for (const [product, epcs] of epcsByProduct(booking, transaction.epcs, named)) groups.set(product, epcs);
  if (groups.size === 0) reject(LedgerErrors.NO_PRODUCT_EPCS);
  for (const [product, epcs] of groups) {
    let qty: bigint;
    if (transaction.epcs === undefined)
      qty = positiveQuantity(booking, transaction.qty ?? '0', product, 'customer_return');
    else {
      const back = epcs.filter((epc) => {
        if (booking.state.epc(epc)?.status !== 'in_stock') return true;
        booking.flags.add('epc_already_in_stock');
        return false;
      });
      booking.setEpcs(back, product.gtin, location.id, 'in_stock');
      qty = BigInt(back.length) * ONE_UNIT;
      if (qty === 0n) continue;
    }
    const value = returnValue(booking, transaction, product, location, qty);
    booking.receive(product, location, [{ qty, value, sourceId: booking.transactionId }], 'customer_return');
    booking.post(ACCOUNTS.cogs, -value);
    if (transaction.unitPrice !== undefined) {
      const refund = extendValue(qty, priceAsUnitCost(transaction.unitPrice));
      booking.post(ACCOUNTS.revenue, refund);
      booking.post(ACCOUNTS.cash, -refund);
    }
  }
}

/**
 * GRNI is debited with what the supplier will credit: the returned quantity at the
 * cost of that supplier's receipt (`of`) when known, else at the value that left
 * stock. The difference to the value that left stock (the pool's average, another
 * layer) goes to Cost Variance, so GRNI keeps matching the supplier's credit note.
 */
function creditSupplier(
  booking: Booking,
  receiptId: string | undefined,
  product: Product,
  qty: bigint,
  inventoryValue: bigint,
): void {
  const received =
    receiptId === undefined
      ? []
      : booking.state.entriesOf(receiptId).filter((entry) => entry.product === product.gtin && entry.qtyDelta > 0n);
  const receivedQty = received.reduce((sum, entry) => sum + entry.qtyDelta, 0n);
  const receivedValue = received.reduce(
    (sum, entry) =>
      sum + (entry.layersIn ?? [{ value: entry.valueDelta }]).reduce((total, layer) => total + layer.value, 0n),
    0n,
  );
  const credit = receivedQty > 0n ? proportionalValue(receivedValue, qty, receivedQty) : inventoryValue;
  booking.post(ACCOUNTS.grni, credit);
  if (credit !== inventoryValue) {
    booking.post(ACCOUNTS.costVariance, inventoryValue - credit);
    booking.flags.add('supplier_return_variance');
  }
}

/** The receipt's own layer first: by its id, or by its unit cost (merged into an older layer of the same cost). */
function returnPreference(
  booking: Booking,
  receiptId: string | undefined,
  product: Product,
): { preferSourceId?: string; preferCostOf?: Layer } {
  if (receiptId === undefined) return {};
  const received = booking.state
    .entriesOf(receiptId)
    .find((entry) => entry.product === product.gtin && (entry.layersIn?.length ?? 0) > 0);
  const layer = received?.layersIn?.[0];
  return layer === undefined ? { preferSourceId: receiptId } : { preferSourceId: receiptId, preferCostOf: layer };
}

function applySupplierReturn(booking: Booking, transaction: Of<'supplier_return'>): void {
  const location = booking.location(transaction.location);
  const named = transaction.product === undefined ? undefined : booking.product(transaction.product);
  if (transaction.of !== undefined && booking.state.transaction(transaction.of)?.type !== 'receipt') {
    reject(LedgerErrors.UNKNOWN_ORIGINAL, {
      of: transaction.of,
      expected: 'receipt',
      product: named?.gtin ?? 'of the EPCs',
    });
  }
  if (transaction.epcs === undefined) {
    const product = named as Product;
    const qty = positiveQuantity(booking, transaction.qty ?? '0', product, 'supplier_return');
    const { value } = booking.issue(
      product,
      location,
      qty,
      'supplier_return',
      returnPreference(booking, transaction.of, product),
    );
    creditSupplier(booking, transaction.of, product, qty, value);
    return;
  }
  const groups = epcsByProduct(booking, transaction.epcs, named);
  requireProductEpcs(groups);
  for (const [product, epcs] of groups) {
    const byLocation = new Map<string, string[]>();
    for (const epc of epcs) {
      const state = booking.state.epc(epc);
      const from = state?.status === 'in_stock' ? state.location : location.id;
      let list = byLocation.get(from);
      if (!list) byLocation.set(from, (list = []));
      list.push(epc);
    }
    for (const [from, list] of byLocation) {
      const { value } = booking.issue(
        product,
        booking.location(from),
        BigInt(list.length) * ONE_UNIT,
        'supplier_return',
        returnPreference(booking, transaction.of, product),
      );
      creditSupplier(booking, transaction.of, product, BigInt(list.length) * ONE_UNIT, value);
      booking.setEpcs(list, product.gtin, from, 'shipped');
    }
  }
}

function applyTransfer(booking: Booking, transaction: Of<'transfer'>): void {
  const from = booking.location(transaction.from);
  const to = booking.location(transaction.to);
  const named = transaction.product === undefined ? undefined : booking.product(transaction.product);
  if (transaction.epcs === undefined) {
    const product = named as Product;
    moveStock(booking, product, from, to, positiveQuantity(booking, transaction.qty ?? '0', product, 'transfer'));
    return;
  }
  const groups = epcsByProduct(booking, transaction.epcs, named);
  requireProductEpcs(groups);
  for (const [product, epcs] of groups) {
    const bySource = new Map<string, string[]>();
    const registered: string[] = [];
    let unserialisedTaken = 0n;
    for (const epc of epcs) {
      const state = booking.state.epc(epc);
      let source: string;
      if (state?.status === 'in_stock') {
        if (state.location === to.id) {
          booking.flags.add('epc_already_there');
          continue;
        }
        source = state.location;
        if (source !== from.id) {
          if (transaction.epcsOnlyFromSource) {
            booking.flags.add('epc_not_at_source');
            continue;
          }
          booking.flags.add('epc_moved_from_elsewhere');
        }
      } else {
        // Not serialised in stock: it is one of the unserialised units at `from`, if any; else the next count finds it.
        const position = booking.position(product.gtin, from.id);
        const unserialised = position.qty - BigInt(position.epcCount) * ONE_UNIT - unserialisedTaken;
        if (unserialised < ONE_UNIT) {
          if (transaction.registerUnknownEpcs && (state === undefined || state.status === 'missing'))
            registered.push(epc);
          else booking.flags.add('epc_not_in_stock');
          continue;
        }
        unserialisedTaken += ONE_UNIT;
        source = from.id;
      }
      let list = bySource.get(source);
      if (!list) bySource.set(source, (list = []));
      list.push(epc);
    }
    for (const [source, list] of bySource) {
      moveStock(booking, product, booking.location(source), to, BigInt(list.length) * ONE_UNIT);
      booking.setEpcs(list, product.gtin, to.id, 'in_stock');
    }
    if (registered.length > 0) registerFound(booking, transaction, product, to, registered);
  }
}

/**
 * A reader saw items stocked that the books never had anywhere (nor as unserialised units at the source):
 * they are physically there, so they are booked where they arrived as found stock (Dr Inventory /
 * Cr Inventory Adjustment at the position's cost, else standard cost), flagged `epc_registered`.
 */
function registerFound(
  booking: Booking,
  transaction: Of<'transfer'>,
  product: Product,
  to: Location,
  epcs: readonly string[],
): void {
  const qty = BigInt(epcs.length) * ONE_UNIT;
  const value = extendValue(qty, gainUnitCost(booking, {}, product, to, transaction.type));
  const added = booking.receive(product, to, [{ qty, value, sourceId: booking.transactionId }], 'adjustment');
  booking.post(ACCOUNTS.inventoryAdjustment, -added);
  booking.setEpcs(epcs, product.gtin, to.id, 'in_stock');
  booking.flags.add('epc_registered');
}

function applyAdjustment(booking: Booking, transaction: Of<'adjustment'>): void {
  if (transaction.epcs !== undefined) return applyEpcWriteOff(booking, transaction, transaction.epcs);
  const location = booking.location(transaction.location);
  const product = booking.product(transaction.product ?? '');
  const qty = quantity(transaction.qty ?? '0');
  if (qty === 0n) reject(LedgerErrors.ZERO_QUANTITY, { type: 'adjustment', product: product.gtin });
  if (qty < 0n) {
    const { value } = booking.issue(product, location, -qty, 'adjustment');
    booking.post(ACCOUNTS.inventoryAdjustment, value);
    return;
  }
  const cost = gainUnitCost(booking, transaction, product, location, 'adjustment');
  const value = extendValue(qty, cost);
  booking.receive(product, location, [{ qty, value, sourceId: booking.transactionId }], 'adjustment');
  booking.post(ACCOUNTS.inventoryAdjustment, -value);
}

function gainUnitCost(
  booking: Booking,
  transaction: { unitCost?: string | undefined },
  product: Product,
  location: Location,
  type: string,
): bigint {
  if (transaction.unitCost !== undefined) return unitCost(transaction.unitCost);
  const current = currentUnitCost(booking.position(product.gtin, location.id));
  if (current !== undefined && current > 0n) return current;
  if (product.standardCost !== undefined) return unitCost(product.standardCost);
  return reject(LedgerErrors.MISSING_COST, { type, product: product.gtin });
}

/** Sets the position to the counted quantity: a loss is Dr Shrinkage / Cr Inventory, a gain the reverse (Opening Balance Equity on the initial count). */
function countTo(
  booking: Booking,
  transaction: Of<'count'>,
  product: Product,
  location: Location,
  counted: bigint,
): void {
  const initial = booking.isFirstEntry(product.gtin, location.id);
  const book = booking.position(product.gtin, location.id).qty;
  const difference = counted - book;
  if (difference < 0n) {
    const { value } = booking.issue(product, location, -difference, 'count', { force: true });
    booking.post(ACCOUNTS.shrinkage, value);
  } else if (difference > 0n) {
    const value = extendValue(difference, gainUnitCost(booking, transaction, product, location, 'count'));
    const added = booking.receive(
      product,
      location,
      [{ qty: difference, value, sourceId: booking.transactionId }],
      'count',
    );
    booking.post(initial ? ACCOUNTS.openingBalanceEquity : ACCOUNTS.shrinkage, -added);
    if (initial) booking.flags.add('initial_count');
  } else booking.touch(product, location, 'count');
  booking.markCounted(product, location);
}

function applyCount(booking: Booking, transaction: Of<'count'>): void {
  const location = booking.location(transaction.location);
  const named = transaction.product === undefined ? undefined : booking.product(transaction.product);
  if (transaction.epcs === undefined) {
    countTo(booking, transaction, named as Product, location, quantity(transaction.qty ?? '0'));
    return;
  }
  const counted = epcsByProduct(booking, transaction.epcs, named);
  const seen = new Set(transaction.epcs);
  const covered = new Map<string, Product>();
  for (const product of counted.keys()) covered.set(product.gtin, product);
  if (named) covered.set(named.gtin, named);
  // EPCs the ledger has here but the reader did not see are missing.
  for (const record of booking.state.epcsAt(location.id)) {
    if (named && record.product !== named.gtin) continue;
    if (seen.has(record.epc)) continue;
    covered.set(record.product, booking.product(record.product));
    booking.setEpc(record.epc, record.product, location.id, 'missing');
  }
  for (const [product, epcs] of counted) {
    for (const epc of epcs) {
      const state = booking.state.epc(epc);
      if (state?.status === 'in_stock' && state.location === location.id) continue;
      if (state?.status === 'in_stock') {
        // Seen here but booked elsewhere: it moved without an event; move it at cost.
        moveStock(booking, product, booking.location(state.location), location, ONE_UNIT);
        booking.flags.add('epc_relocated');
      }
      booking.setEpc(epc, product.gtin, location.id, 'in_stock');
    }
  }
  for (const product of covered.values())
    countTo(booking, transaction, product, location, BigInt(counted.get(product)?.length ?? 0) * ONE_UNIT);
}
