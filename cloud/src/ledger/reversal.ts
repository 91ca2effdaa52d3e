import { ACCOUNTS } from './catalog.js';
import { reject, type Booking } from './booking.js';
import { LedgerErrors } from './errors.js';
import type { Entry, Layer } from './state.js';
import type { Transaction } from './transactions.js';

/**
 * A reversal restores exactly what its original changed, from the original's layer
 * provenance (the layers each entry put in and took out):
 *  - layers it put in are taken back: the same quantity and value, from the layer
 *    they still sit in (FIFO: the newest layer of that source or unit cost; a pool:
 *    at the original value, never more than the pool holds);
 *  - layers it took out are put back at the FRONT of the FIFO queue (they were the
 *    oldest units when they left; see valuation.restore), or into the pool at their value.
 * Reversing a transfer thus takes back the very layers that moved and puts them at
 * the head of the source's queue, not the destination's older layers. When what
 * the original brought in is no longer there (sold since), the quantity leaves at
 * the cost in stock; every difference to the original journal is posted to
 * `Cost Variance` (flag `reversal_variance`), so no layer or pool goes negative.
 * Counts are not reversible: a count is an observation; the correction is a recount.
 */
export function applyReversal(booking: Booking, transaction: Extract<Transaction, { type: 'reversal' }>): void {
  const original = booking.state.transaction(transaction.of);
  if (!original || original.result.status !== 'applied')
    return reject(LedgerErrors.NOT_REVERSIBLE, { of: transaction.of, why: 'no applied transaction has that id' });
  const reversedBy = booking.state.reversedBy(transaction.of);
  if (reversedBy !== undefined) return reject(LedgerErrors.ALREADY_REVERSED, { of: transaction.of, reversedBy });
  if (original.type === 'reversal' || original.type === 'product')
    return reject(LedgerErrors.NOT_REVERSIBLE, { of: transaction.of, why: `a ${original.type} cannot be reversed` });
  if (original.type === 'count')
    return reject(LedgerErrors.NOT_REVERSIBLE, {
      of: transaction.of,
      why: 'a count records what was physically there: correct it with a new count',
    });
  const payload = original.payload as { epcs?: unknown };
  if (payload.epcs !== undefined)
    return reject(LedgerErrors.NOT_REVERSIBLE, {
      of: transaction.of,
      why: 'EPC events are corrected by a count, not reversed',
    });
  const entries = booking.state.entriesOf(transaction.of);
  // Take back what came in first, so stock the original moved between two places is free to go back.
  for (const entry of entries) takeBackIncoming(booking, entry, transaction.of);
  for (const entry of entries) putBackOutgoing(booking, entry);
  mirrorJournal(booking, transaction.of, entries);
}

function takeBackIncoming(booking: Booking, entry: Entry, originalId: string): void {
  const product = booking.product(entry.product);
  const location = booking.location(entry.location);
  const incoming: readonly Layer[] =
    entry.layersIn ??
    (entry.qtyDelta > 0n ? [{ qty: entry.qtyDelta, value: entry.valueDelta, sourceId: originalId }] : []);
  if (incoming.length === 0 && entry.qtyDelta === 0n) booking.touch(product, location, 'reversal');
  for (const layer of [...incoming].reverse()) {
    const removed = booking.removeExact(product, location, layer.qty, layer.value, layer.sourceId, 'reversal');
    // Sold or moved on since: the quantity leaves at the cost in stock (its layer first); Cost Variance takes the difference.
    if (removed === undefined)
      booking.issue(product, location, layer.qty, 'reversal', { preferSourceId: layer.sourceId, preferCostOf: layer });
  }
}

function putBackOutgoing(booking: Booking, entry: Entry): void {
  const product = booking.product(entry.product);
  const location = booking.location(entry.location);
  const outgoing: readonly Layer[] =
    entry.layersOut ??
    (entry.qtyDelta < 0n ? [{ qty: -entry.qtyDelta, value: -entry.valueDelta, sourceId: entry.transactionId }] : []);
  if (outgoing.length > 0) booking.restore(product, location, outgoing, 'reversal');
}

/** The books get the exact mirror of the original journal; what the positions could not mirror goes to Cost Variance. */
function mirrorJournal(booking: Booking, originalId: string, entries: readonly Entry[]): void {
  const inventoryAccounts = new Set(entries.map((entry) => booking.location(entry.location).inventoryAccount));
  for (const line of booking.state.journalOf(originalId)) {
    if (inventoryAccounts.has(line.account)) continue; // posted by the position moves
    booking.post(line.account, line.credit - line.debit);
  }
  const imbalance = booking.imbalance();
  if (imbalance !== 0n) {
    booking.post(ACCOUNTS.costVariance, -imbalance);
    booking.flags.add('reversal_variance');
  }
}
