import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransactionSchema } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';
import { contractCatalog } from '../store/contract.js';
import { randomTransactions } from './random-transactions.js';

/**
 * Property: whatever sequence of transactions arrives (valid, rejected, duplicate,
 * conflicting, late, reversed, item-level or by quantity) and however it is cut
 * into batches, every invariant holds afterwards and the books balance.
 */
describe('ledger invariants (property)', () => {
  it('hold after random sequences of thousands of transactions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 400 }),
        async (seed, batchSize) => {
          const store = await openLedgerStore({ kind: 'memory' }, contractCatalog());
          try {
            const transactions = randomTransactions(seed, 1_500).map((input) => TransactionSchema.parse(input));
            for (let start = 0; start < transactions.length; start += batchSize)
              await store.applyBatch(transactions.slice(start, start + batchSize));
            const report = await store.check();
            expect(report.checks.filter((check) => !check.ok)).toEqual([]);
            expect((await store.trialBalance()).balanced).toBe(true);
          } finally {
            await store.close();
          }
        },
      ),
      // A fixed fast-check seed keeps CI reproducible; the known counterexample below is pinned on its own.
      { numRuns: 6, seed: 20261205 },
    );
  });

  // Generator seed 1 once broke "FIFO layers in time order" at in-transit: reversing a transfer that had taken two
  // pieces of one earlier transfer's layers put the second in front of the first (valuation.ts `restore`).
  it('holds for the seed that found the restore-order defect (seed 1, batch size 1)', async () => {
    const store = await openLedgerStore({ kind: 'memory' }, contractCatalog());
    try {
      for (const input of randomTransactions(1, 1_500)) await store.applyBatch([TransactionSchema.parse(input)]);
      expect((await store.check()).checks.filter((check) => !check.ok)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('gives the same books whatever the batch boundaries', async () => {
    const transactions = randomTransactions(42, 1_000).map((input) => TransactionSchema.parse(input));
    const booksFor = async (batchSize: number) => {
      const store = await openLedgerStore({ kind: 'memory' }, contractCatalog(), { nowMs: () => 0 });
      try {
        for (let start = 0; start < transactions.length; start += batchSize)
          await store.applyBatch(transactions.slice(start, start + batchSize));
        return { trial: await store.trialBalance(), stock: await store.stock() };
      } finally {
        await store.close();
      }
    };
    const one = await booksFor(1);
    expect(await booksFor(1_000)).toEqual(one);
    expect(await booksFor(37)).toEqual(one);
  });
});
