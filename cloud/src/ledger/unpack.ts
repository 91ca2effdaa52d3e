import type { Booking } from './booking.js';
import { reject } from './booking.js';
import type { Product } from './catalog.js';
import { ONE_UNIT, parseTrusted, QUANTITY_SCALE } from './decimal.js';
import { gtinOfEpcUrn } from './epc-product.js';
import { LedgerErrors } from './errors.js';
import type { Transaction } from './transactions.js';

/** Pack levels one unpack may go through (pallet → case → inner → each); also stops a catalog cycle. */
export const PACK_LEVELS_MAX = 8;

type Unpack = Extract<Transaction, { type: 'unpack' }>;

/**
 * Opens whole packs into their contents at exactly the same value. The pack's layers that FIFO (or the
 * average pool) issues become the contents' layers, each quantity × the units per pack and its value
 * unchanged, so no value is created or lost and the remainder rule of each layer carries over. Levels in
 * between (unpacking a pallet straight into eaches) never enter stock. Both sides stay on the location's
 * inventory account (nothing posts) unless `to` has another account (Dr Inventory(to) / Cr Inventory(from)).
 */
export function applyUnpack(booking: Booking, transaction: Unpack): void {
  const from = booking.location(transaction.location);
  const to = transaction.to === undefined ? from : booking.location(transaction.to);
  const pack = booking.product(transaction.product);
  const packs = parseTrusted(transaction.qty, QUANTITY_SCALE);
  if (packs <= 0n) reject(LedgerErrors.ZERO_QUANTITY, { type: 'unpack', product: pack.gtin });
  if (packs % ONE_UNIT !== 0n) reject(LedgerErrors.PARTIAL_PACK, { qty: transaction.qty, product: pack.gtin });
  const target = transaction.into === undefined ? undefined : booking.product(transaction.into);
  const { contents, unitsPerPack } = contentsOf(booking, pack, target);
  const { consumed } = booking.issue(pack, from, packs, 'unpack_out');
  booking.receive(
    contents,
    to,
    consumed.map((layer) => ({ qty: layer.qty * unitsPerPack, value: layer.value, sourceId: layer.sourceId })),
    'unpack_in',
  );
  if (transaction.epcs !== undefined) retirePackTags(booking, pack, from.id, transaction.epcs);
  if (transaction.contentEpcs !== undefined)
    serialiseContents(booking, contents, to.id, transaction.contentEpcs, (packs / ONE_UNIT) * unitsPerPack);
}

/**
 * The items read coming out of the packs become serialised units of the contents where they landed (so a
 * shelf that sees them later moves them, and a count finds them booked); at most the units unpacked.
 * One of another product, or already in stock, is flagged and left as it is.
 */
function serialiseContents(
  booking: Booking,
  contents: Product,
  location: string,
  epcs: readonly string[],
  unitsMax: bigint,
): void {
  let serialised = 0n;
  for (const epc of epcs) {
    if (gtinOfEpcUrn(epc) !== contents.gtin || serialised >= unitsMax) {
      booking.flags.add('content_epc_not_booked');
      continue;
    }
    if (booking.state.epc(epc)?.status === 'in_stock') {
      booking.flags.add('epc_already_in_stock');
      continue;
    }
    booking.setEpc(epc, contents.gtin, location, 'in_stock');
    serialised++;
  }
}

/** The opened packs' tags leave stock with their cartons (status `missing`); one the books hold elsewhere or not at all is flagged. */
function retirePackTags(booking: Booking, pack: Product, location: string, epcs: readonly string[]): void {
  for (const epc of epcs) {
    if (gtinOfEpcUrn(epc) !== pack.gtin)
      reject(LedgerErrors.PRODUCT_MISMATCH, { epc, epcProduct: gtinOfEpcUrn(epc) ?? 'none', product: pack.gtin });
    const state = booking.state.epc(epc);
    if (state?.status === 'in_stock' && state.location === location)
      booking.setEpc(epc, pack.gtin, location, 'missing');
    else booking.flags.add('epc_not_in_stock');
  }
}

/** Walks `contains` down to `target` (default one level); the units of the contents per pack, a whole number. */
function contentsOf(
  booking: Booking,
  pack: Product,
  target: Product | undefined,
): { contents: Product; unitsPerPack: bigint } {
  let current = pack;
  let unitsPerPack = 1n;
  for (let level = 0; level < PACK_LEVELS_MAX; level++) {
    const contains = current.contains;
    if (contains === undefined)
      return reject(LedgerErrors.NOT_A_PACK, {
        product: current.gtin,
        why: target === undefined ? '' : ` on the way to ${target.gtin}`,
      });
    current = booking.product(contains.product);
    unitsPerPack *= parseTrusted(contains.qty, QUANTITY_SCALE) / ONE_UNIT;
    if (target === undefined || current.gtin === target.gtin) return { contents: current, unitsPerPack };
  }
  return reject(LedgerErrors.NOT_A_PACK, { product: pack.gtin, why: ` within ${PACK_LEVELS_MAX} levels` });
}
