import { mulberry32 } from '../../../simulators/src/prng.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';
import type { TransactionInput } from '../../src/ledger/transactions.js';

/**
 * Random but reproducible transaction sequences (seeded PRNG) over the contract
 * catalog: every kind, qty and EPC flavours, several sites, late events,
 * reversals, returns of earlier sales and receipts, rounding-heavy costs.
 * Many transactions are meant to be rejected (oversell, unknown original).
 */
export const RANDOM_PRODUCTS = ['00000000000017', '00000000000024', '00000000000031', '00614141073467'] as const;
const SERIAL = '00614141073467';
const LOCATIONS = [
  'urn:stockwire:loc:store-1:backroom',
  'urn:stockwire:loc:store-1:shelf-1',
  'urn:stockwire:loc:store-2:backroom',
  'urn:stockwire:loc:store-1:in-transit',
];

export function randomTransactions(seed: number, count: number): TransactionInput[] {
  const random = mulberry32(seed).next;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const cost = () => `${integer(0, 40)}.${String(integer(0, 999_999)).padStart(6, '0')}`;
  const quantity = () => (random() < 0.15 ? `${integer(0, 3)}.${integer(1, 999)}` : String(integer(1, 6)));
  const epcs = () => {
    const set = new Set<string>();
    const size = integer(1, 6);
    for (let index = 0; index < size; index++) set.add(sgtinUrn(SERIAL, 7, String(integer(1, 60))));
    return [...set];
  };
  const qtyProducts = RANDOM_PRODUCTS.filter((product) => product !== SERIAL);
  const sales: string[] = [];
  const receipts: string[] = [];
  const applied: string[] = [];
  const result: TransactionInput[] = [];
  let timeMs = Date.parse('2026-11-01T00:00:00Z');
  for (let index = 0; index < count; index++) {
    timeMs += integer(1, 60_000);
    // One event in twenty arrives late: its time is before events already applied.
    const time = new Date(random() < 0.05 ? timeMs - integer(60_000, 3_600_000) : timeMs).toISOString();
    const id = `tx-${seed}-${index}`;
    const location = pick(LOCATIONS);
    const other = pick(LOCATIONS.filter((candidate) => candidate !== location));
    const product = pick(qtyProducts);
    const roll = random();
    let transaction: TransactionInput;
    if (roll < 0.2) {
      transaction = { id, time, type: 'receipt', product, location, qty: quantity(), unitCost: cost() };
      receipts.push(id);
    } else if (roll < 0.3)
      transaction = {
        id,
        time,
        type: 'receipt',
        location,
        epcs: epcs(),
        ...(random() < 0.5 ? { unitCost: cost() } : {}),
      };
    else if (roll < 0.42) {
      transaction = {
        id,
        time,
        type: 'sale',
        product,
        location,
        qty: quantity(),
        ...(random() < 0.5 ? { unitPrice: `${integer(1, 60)}.${integer(0, 99)}` } : {}),
      };
      sales.push(id);
    } else if (roll < 0.48) transaction = { id, time, type: 'sale', location, epcs: epcs() };
    else if (roll < 0.53)
      transaction = {
        id,
        time,
        type: 'customer_return',
        product,
        location,
        qty: '1',
        ...(sales.length > 0 && random() < 0.7 ? { of: pick(sales) } : {}),
      };
    else if (roll < 0.58)
      transaction = {
        id,
        time,
        type: 'supplier_return',
        product,
        location,
        qty: quantity(),
        ...(receipts.length > 0 && random() < 0.7 ? { of: pick(receipts) } : {}),
      };
    else if (roll < 0.68)
      transaction = { id, time, type: 'transfer', product, from: location, to: other, qty: quantity() };
    else if (roll < 0.74) transaction = { id, time, type: 'transfer', from: location, to: other, epcs: epcs() };
    else if (roll < 0.8)
      transaction = {
        id,
        time,
        type: 'adjustment',
        product,
        location,
        qty: random() < 0.5 ? `-${quantity()}` : quantity(),
        reason: pick(['damage', 'theft', 'found']),
      };
    else if (roll < 0.87)
      transaction = {
        id,
        time,
        type: 'count',
        product,
        location,
        qty: String(integer(0, 12)),
        ...(random() < 0.5 ? { unitCost: cost() } : {}),
      };
    else if (roll < 0.92) transaction = { id, time, type: 'count', location, epcs: random() < 0.1 ? [] : epcs() };
    else if (roll < 0.96 && applied.length > 0) transaction = { id, time, type: 'reversal', of: pick(applied) };
    else
      transaction = {
        id: pick(result.length > 0 && random() < 0.5 ? result.map((item) => item.id ?? id) : [id]),
        time,
        type: 'receipt',
        product,
        location,
        qty: '1',
        unitCost: '1',
      }; // duplicates and conflicts
    applied.push(id);
    result.push(transaction);
  }
  return result;
}
