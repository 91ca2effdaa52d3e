import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { MONEY_SCALE, parseTrusted } from '../../src/ledger/decimal.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';
import { ValuationModel, type ModelOp } from './valuation-model.js';

/**
 * Property: random sequences of receipts, sales, customer and supplier returns,
 * transfers, counts and reversals give the ledger and the simple model in valuation-model.ts the same
 * COGS, Cost Variance and GRNI and the same ending value of every position (to
 * 0.0001), accept and reject the same transactions, and leave `check` clean.
 */
const FIFO = '00000000000017';
const AVERAGE = '00000000000024';
const PRODUCTS = [FIFO, AVERAGE];
const LOCATIONS = ['urn:stockwire:loc:s1:backroom', 'urn:stockwire:loc:s1:shelf-1', 'urn:stockwire:loc:s2:backroom'];
const catalog = () =>
  buildCatalog({
    products: [
      { gtin: FIFO, valuation: 'fifo', standardCost: '4' },
      { gtin: AVERAGE, valuation: 'average', standardCost: '7.5' },
    ],
    locations: [
      { id: LOCATIONS[0] as string, site: 's1', kind: 'backroom' },
      { id: LOCATIONS[1] as string, site: 's1', kind: 'shelf' },
      { id: LOCATIONS[2] as string, site: 's2', kind: 'backroom' },
    ],
  });

const product = fc.constantFrom(...PRODUCTS);
// Most ops hit one position, so layers pile up and later ops meet what earlier ones left.
const location = fc.oneof(
  { weight: 6, arbitrary: fc.constant(LOCATIONS[0] as string) },
  { weight: 2, arbitrary: fc.constant(LOCATIONS[1] as string) },
  { weight: 1, arbitrary: fc.constant(LOCATIONS[2] as string) },
);
const units = fc.integer({ min: 1, max: 12 });
const opArbitrary: fc.Arbitrary<ModelOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('receipt' as const),
      product,
      location,
      units,
      // A few repeated costs, so adjacent layers merge (a receipt's layer then carries an older id).
      costCents: fc.oneof(fc.constantFrom(100, 250, 333), fc.integer({ min: 0, max: 5_000 })),
    }),
  },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('sale' as const), product, location, units }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('customer_return' as const),
      product,
      location,
      units,
      saleIndex: fc.nat(8),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('transfer' as const), product, from: location, to: location, units }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('supplier_return' as const),
      product,
      location,
      units,
      receiptIndex: fc.nat(8),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('count' as const),
      product,
      location,
      units: fc.integer({ min: 0, max: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('reversal' as const), index: fc.nat(12) }) },
);

const [BACKROOM, SHELF] = LOCATIONS as [string, string];
const SALE_REVERSED_THEN_SOLD: ModelOp[] = [
  { type: 'receipt', product: FIFO, location: BACKROOM, units: 1, costCents: 100 },
  { type: 'receipt', product: FIFO, location: BACKROOM, units: 1, costCents: 200 },
  { type: 'sale', product: FIFO, location: BACKROOM, units: 1 },
  { type: 'reversal', index: 0 }, // counted back from its place: the sale
  { type: 'sale', product: FIFO, location: BACKROOM, units: 1 },
];
const TRANSFER_REVERSED_OVER_OLDER_STOCK: ModelOp[] = [
  { type: 'receipt', product: FIFO, location: SHELF, units: 2, costCents: 100 },
  { type: 'receipt', product: FIFO, location: BACKROOM, units: 2, costCents: 300 },
  { type: 'transfer', product: FIFO, from: BACKROOM, to: SHELF, units: 2 },
  { type: 'reversal', index: 0 }, // the transfer: the 3.00 layers go back, not the shelf's older 1.00 ones
  { type: 'sale', product: FIFO, location: SHELF, units: 2 },
  { type: 'sale', product: FIFO, location: BACKROOM, units: 1 },
];

const POOL_EMPTIED_BY_REVERSAL: ModelOp[] = [
  { type: 'receipt', product: AVERAGE, location: SHELF, units: 1, costCents: 0 },
  { type: 'receipt', product: AVERAGE, location: SHELF, units: 9, costCents: 1 },
  { type: 'sale', product: AVERAGE, location: SHELF, units: 9 },
  { type: 'reversal', index: 2 }, // the first receipt takes the last unit and all the pool's value
];

const SUPPLIER_RETURN_OF_MERGED_RECEIPT: ModelOp[] = [
  { type: 'receipt', product: FIFO, location: BACKROOM, units: 2, costCents: 500 },
  { type: 'receipt', product: FIFO, location: BACKROOM, units: 2, costCents: 1000 },
  { type: 'receipt', product: FIFO, location: BACKROOM, units: 2, costCents: 1000 }, // merges into the layer before
  { type: 'supplier_return', product: FIFO, location: BACKROOM, units: 1, receiptIndex: 0 }, // of the third: at 10, not 5
  { type: 'sale', product: FIFO, location: BACKROOM, units: 2 },
];

function toTransaction(op: ModelOp, index: number): TransactionInput {
  const base = { id: `t${index}`, time: new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString() };
  switch (op.type) {
    case 'receipt':
      return {
        ...base,
        type: 'receipt',
        product: op.product,
        location: op.location,
        qty: String(op.units),
        unitCost: (op.costCents / 100).toFixed(2),
      };
    case 'sale':
      return { ...base, type: 'sale', product: op.product, location: op.location, qty: String(op.units) };
    case 'supplier_return':
      return {
        ...base,
        type: 'supplier_return',
        product: op.product,
        location: op.location,
        qty: String(op.units),
        of: `t${op.receiptIndex}`,
      };
    case 'customer_return':
      return {
        ...base,
        type: 'customer_return',
        product: op.product,
        location: op.location,
        qty: String(op.units),
        of: `t${op.saleIndex}`,
      };
    case 'transfer':
      return { ...base, type: 'transfer', product: op.product, from: op.from, to: op.to, qty: String(op.units) };
    case 'count':
      return { ...base, type: 'count', product: op.product, location: op.location, qty: String(op.units) };
    case 'reversal':
      return { ...base, type: 'reversal', of: `t${op.index}` };
  }
}

const money = (text: string | undefined) => parseTrusted(text ?? '0', MONEY_SCALE);
const TOLERANCE = 1n; // 0.0001 in ten-thousandths

describe('valuation against a simple FIFO / moving-average model (property)', () => {
  it('gives equal COGS, Cost Variance and ending values, and a clean check', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 1, maxLength: 60 }), async (ops) => {
        // Reversals and returns name an earlier op counted back from their own place (most land on a real one).
        const valid = ops
          .filter((op) => op.type !== 'transfer' || op.from !== op.to)
          .map((op, index): ModelOp => {
            if (op.type === 'reversal') return { ...op, index: index - 1 - (op.index % Math.max(1, index)) };
            if (op.type === 'supplier_return')
              return { ...op, receiptIndex: index - 1 - (op.receiptIndex % Math.max(1, index)) };
            if (op.type === 'customer_return')
              return { ...op, saleIndex: index - 1 - (op.saleIndex % Math.max(1, index)) };
            return op;
          });
        const model = new ValuationModel({ [FIFO]: 'fifo', [AVERAGE]: 'average' }, { [FIFO]: 400, [AVERAGE]: 750 });
        const store = await openLedgerStore({ kind: 'memory' }, catalog());
        try {
          for (const [index, op] of valid.entries()) {
            const [result] = await store.applyBatch([TransactionSchema.parse(toTransaction(op, index))]);
            const expected = model.apply(op) ? 'applied' : 'rejected';
            expect({ index, op, status: result?.status, reason: result?.reason }).toMatchObject({ status: expected });
          }
          const balances = new Map(
            (await store.trialBalance()).accounts.map((row) => [row.account, money(row.balance)]),
          );
          const difference = (a: bigint, b: bigint) => (a > b ? a - b : b - a);
          expect(difference(balances.get('COGS') ?? 0n, model.cogs)).toBeLessThanOrEqual(TOLERANCE);
          expect(difference(balances.get('Cost Variance') ?? 0n, model.costVariance)).toBeLessThanOrEqual(TOLERANCE);
          expect(difference(balances.get('GRNI') ?? 0n, model.grni)).toBeLessThanOrEqual(TOLERANCE);
          for (const row of await store.stock()) {
            expect({ at: `${row.product} ${row.location}`, qty: BigInt(row.qty.split('.')[0] ?? '0') }).toEqual({
              at: `${row.product} ${row.location}`,
              qty: model.units(row.product, row.location),
            });
            expect(difference(money(row.value), model.value(row.product, row.location))).toBeLessThanOrEqual(TOLERANCE);
          }
          const report = await store.check();
          expect(report.checks.filter((check) => !check.ok)).toEqual([]);
        } finally {
          await store.close();
        }
      }),
      {
        numRuns: 300,
        // Named sequences first: a reversed sale meets the next sale; a reversed transfer meets older destination stock.
        examples: [
          [SALE_REVERSED_THEN_SOLD],
          [TRANSFER_REVERSED_OVER_OLDER_STOCK],
          [POOL_EMPTIED_BY_REVERSAL],
          [SUPPLIER_RETURN_OF_MERGED_RECEIPT],
        ],
      },
    );
  }, 120_000);
});
