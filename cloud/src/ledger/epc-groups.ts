import type { Booking } from './booking.js';
import { reject } from './booking.js';
import type { Product } from './catalog.js';
import { gtinOfEpcUrn } from './epc-product.js';
import { LedgerErrors } from './errors.js';

/** Groups EPCs by product; non-product EPCs (SSCC, raw) are skipped and flagged. */
export function epcsByProduct(
  booking: Booking,
  epcs: readonly string[],
  expected: Product | undefined,
): Map<Product, string[]> {
  const groups = new Map<Product, string[]>();
  for (const epc of epcs) {
    const gtin = gtinOfEpcUrn(epc);
    if (gtin === undefined) {
      booking.flags.add('non_product_epc');
      continue;
    }
    const product = booking.product(gtin);
    if (expected && expected.gtin !== product.gtin)
      return reject(LedgerErrors.PRODUCT_MISMATCH, { epc, epcProduct: product.gtin, product: expected.gtin });
    let group = groups.get(product);
    if (!group) groups.set(product, (group = []));
    group.push(epc);
  }
  return groups;
}
