import type { Booking } from './booking.js';
import { ACCOUNTS, type Product } from './catalog.js';
import { ONE_UNIT } from './decimal.js';
import { epcsByProduct } from './epc-groups.js';
import type { Transaction } from './transactions.js';

type Adjustment = Extract<Transaction, { type: 'adjustment' }>;

/**
 * Writes serialised items off (an adjustment by `epcs`: damaged, destroyed): each EPC leaves stock from
 * wherever the books have it, at the value its position issues (Dr Inventory Adjustment / Cr Inventory),
 * and is no longer in stock (status `missing`, so a reader that sees it again finds it). An EPC the books
 * do not hold in stock (a count already missed it) is flagged `epc_not_in_stock` and books nothing.
 */
export function applyEpcWriteOff(booking: Booking, transaction: Adjustment, epcs: readonly string[]): void {
  const named = transaction.product === undefined ? undefined : booking.product(transaction.product);
  const byPlace = new Map<string, { product: Product; location: string; epcs: string[] }>();
  for (const [product, group] of epcsByProduct(booking, epcs, named)) {
    for (const epc of group) {
      const state = booking.state.epc(epc);
      if (state?.status !== 'in_stock') {
        booking.flags.add('epc_not_in_stock');
        continue;
      }
      const key = `${product.gtin}\u0000${state.location}`;
      let place = byPlace.get(key);
      if (!place) byPlace.set(key, (place = { product, location: state.location, epcs: [] }));
      place.epcs.push(epc);
    }
  }
  for (const { product, location, epcs: list } of byPlace.values()) {
    const from = booking.location(location);
    const { value } = booking.issue(product, from, BigInt(list.length) * ONE_UNIT, 'adjustment');
    booking.post(ACCOUNTS.inventoryAdjustment, value);
    booking.setEpcs(list, product.gtin, from.id, 'missing');
  }
}
