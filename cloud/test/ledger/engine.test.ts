import { describe, expect, it } from 'vitest';
import { buildCatalog, type Catalog } from '../../src/ledger/catalog.js';
import { formatMoney, formatQuantity } from '../../src/ledger/decimal.js';
import { applyTransaction } from '../../src/ledger/engine.js';
import type { StateSource } from '../../src/ledger/state.js';
import { TransactionSchema } from '../../src/ledger/transactions.js';
import { WorkingState } from '../../src/ledger/working-state.js';

/**
 * The pure ledger core on its own (no store): applyTransaction over a WorkingState whose source is only the
 * catalog. Each case applies a few transactions in order and states the statuses, the resulting position
 * (quantity and value) and the net journal per account. Stores are tested against the same core by the
 * contract suite (cloud/test/store/contract.ts).
 */
const SHIRT = '00614141073467';
const JEANS = '00614141073474';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const SHELF = 'urn:stockwire:loc:store-1:shelf-1';

const catalog: Catalog = buildCatalog({
  products: [
    { gtin: SHIRT, sku: 'TSHIRT', valuation: 'fifo', standardCost: '4.50' },
    { gtin: JEANS, sku: 'JEANS', valuation: 'average', allowNegative: false },
  ],
  locations: [
    { id: BACKROOM, site: 'store-1', kind: 'backroom' },
    { id: SHELF, site: 'store-1', kind: 'shelf' },
  ],
});

function catalogSource(source: Catalog): StateSource {
  return {
    product: (gtin) => source.products.get(gtin),
    productBySku: (sku) => source.skus.get(sku),
    location: (id) => source.locations.get(id),
    position: () => undefined,
    epc: () => undefined,
    epcsAt: () => [],
    transaction: () => undefined,
    entriesOf: () => [],
    journalOf: () => [],
  };
}

interface Case {
  name: string;
  transactions: Record<string, unknown>[];
  statuses: string[];
  position: { product: string; location: string; qty: string; value: string };
  /** Net debit (+) / credit (−) per account over all transactions; accounts not named must net to zero. */
  journal: Record<string, string>;
}

const receipt = (id: string, product: string, qty: string, unitCost: string, location = BACKROOM) => ({
  id,
  type: 'receipt',
  product,
  location,
  qty,
  unitCost,
  time: '2026-12-01T10:00:00.000Z',
});
const sale = (id: string, product: string, qty: string, location = BACKROOM) => ({
  id,
  type: 'sale',
  product,
  location,
  qty,
  time: '2026-12-01T12:00:00.000Z',
});

const CASES: Case[] = [
  {
    name: 'a receipt books stock at cost: Dr Inventory / Cr GRNI',
    transactions: [receipt('r1', SHIRT, '10', '4')],
    statuses: ['applied'],
    position: { product: SHIRT, location: BACKROOM, qty: '10', value: '40' },
    journal: { 'Inventory:store-1': '40', GRNI: '-40' },
  },
  {
    name: 'FIFO: a sale across two layers costs the oldest first',
    transactions: [receipt('r1', SHIRT, '2', '4'), receipt('r2', SHIRT, '2', '5'), sale('s1', SHIRT, '3')],
    statuses: ['applied', 'applied', 'applied'],
    position: { product: SHIRT, location: BACKROOM, qty: '1', value: '5' },
    journal: { 'Inventory:store-1': '5', GRNI: '-18', COGS: '13' },
  },
  {
    name: 'moving average: cost pooled, a sale at the average',
    transactions: [receipt('r1', JEANS, '1', '10'), receipt('r2', JEANS, '1', '20'), sale('s1', JEANS, '1')],
    statuses: ['applied', 'applied', 'applied'],
    position: { product: JEANS, location: BACKROOM, qty: '1', value: '15' },
    journal: { 'Inventory:store-1': '15', GRNI: '-30', COGS: '15' },
  },
  {
    name: 'selling more than on hand is refused when negative stock is not allowed, the books untouched',
    transactions: [receipt('r1', JEANS, '1', '10'), sale('s1', JEANS, '2')],
    statuses: ['applied', 'rejected'],
    position: { product: JEANS, location: BACKROOM, qty: '1', value: '10' },
    journal: { 'Inventory:store-1': '10', GRNI: '-10' },
  },
  {
    name: 'the same transaction twice is a duplicate and books once',
    transactions: [receipt('r1', SHIRT, '3', '4'), receipt('r1', SHIRT, '3', '4')],
    statuses: ['applied', 'duplicate'],
    position: { product: SHIRT, location: BACKROOM, qty: '3', value: '12' },
    journal: { 'Inventory:store-1': '12', GRNI: '-12' },
  },
  {
    name: 'the same id with another payload is a conflict',
    transactions: [receipt('r1', SHIRT, '3', '4'), receipt('r1', SHIRT, '4', '4')],
    statuses: ['applied', 'conflict'],
    position: { product: SHIRT, location: BACKROOM, qty: '3', value: '12' },
    journal: { 'Inventory:store-1': '12', GRNI: '-12' },
  },
  {
    name: 'a transfer between locations on the same account posts nothing',
    transactions: [
      receipt('r1', SHIRT, '4', '4'),
      {
        id: 't1',
        type: 'transfer',
        product: SHIRT,
        from: BACKROOM,
        to: SHELF,
        qty: '3',
        time: '2026-12-01T11:00:00.000Z',
      },
    ],
    statuses: ['applied', 'applied'],
    position: { product: SHIRT, location: SHELF, qty: '3', value: '12' },
    journal: { 'Inventory:store-1': '16', GRNI: '-16' },
  },
];

describe('ledger core: applyTransaction over a WorkingState (table-driven)', () => {
  it.each(CASES)('$name', ({ transactions, statuses, position, journal }) => {
    const state = new WorkingState(catalogSource(catalog));
    const results = transactions.map((raw) => applyTransaction(state, TransactionSchema.parse(raw), 0));
    expect(results.map((result) => result.status)).toEqual(statuses);

    const booked = state.position(position.product, position.location);
    expect({ qty: formatQuantity(booked?.qty ?? 0n), value: formatMoney(booked?.value ?? 0n) }).toEqual({
      qty: position.qty,
      value: position.value,
    });

    const net = new Map<string, bigint>();
    for (const line of state.journal) net.set(line.account, (net.get(line.account) ?? 0n) + line.debit - line.credit);
    const nonZero = Object.fromEntries(
      [...net].filter(([, amount]) => amount !== 0n).map(([account, amount]) => [account, formatMoney(amount)]),
    );
    expect(nonZero).toEqual(journal);
    // Books balance: Σ debit = Σ credit over every journal line the core wrote.
    expect([...net.values()].reduce((sum, amount) => sum + amount, 0n)).toBe(0n);
  });
});
