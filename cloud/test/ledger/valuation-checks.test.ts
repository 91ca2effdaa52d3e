import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runLedgerCli } from '../../src/ledger-cli.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { VALUATION_CHECK_NAMES } from '../../src/ledger/valuation-checks.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';

/**
 * Books that balance but are wrong, written straight into a SQLite store behind the
 * ledger's back: `check` (the store method and `stockwire-cloud check`) must fail
 * with the named item. Then the reversal rules on small exact examples.
 */
const directory = mkdtempSync(join(tmpdir(), 'stockwire-valuation-checks-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const FIFO = '00000000000017';
const AVERAGE = '00000000000024';
const [BACKROOM, SHELF] = ['urn:stockwire:loc:s1:backroom', 'urn:stockwire:loc:s1:shelf-1'];
const catalog = () =>
  buildCatalog({
    products: [
      { gtin: FIFO, valuation: 'fifo' },
      { gtin: AVERAGE, valuation: 'average' },
    ],
  });

async function storeWith(path: string, inputs: TransactionInput[]): Promise<LedgerStore> {
  const store = await openLedgerStore({ kind: 'sqlite', path }, catalog());
  const results = await store.applyBatch(inputs.map((input) => TransactionSchema.parse(input)));
  expect(results.map((result) => [result.id, result.status, result.reason])).toEqual(
    results.map((result) => [result.id, 'applied', undefined]),
  );
  return store;
}

const BASE: TransactionInput[] = [
  { id: 'r1', type: 'receipt', product: FIFO, location: BACKROOM, qty: '2', unitCost: '10' },
  { id: 'r2', type: 'receipt', product: FIFO, location: BACKROOM, qty: '2', unitCost: '20' },
  { id: 's1', type: 'sale', product: FIFO, location: BACKROOM, qty: '1' },
  { id: 'v1', type: 'reversal', of: 's1' },
];

const layersJson = (layers: [string, string, string][]) => JSON.stringify(layers);
const tampering: { name: string; expectedItem: string; sql: string[] }[] = [
  {
    name: 'a non-negative position holding a negative value (its layers agreeing)',
    expectedItem: VALUATION_CHECK_NAMES.negative,
    sql: [
      `UPDATE positions SET value = '-60', layers = '${layersJson([
        ['2', '-20', 'r1'],
        ['2', '-40', 'r2'],
      ])}'`,
    ],
  },
  {
    name: 'a value outside its layers’ unit costs',
    expectedItem: VALUATION_CHECK_NAMES.range,
    sql: [`UPDATE positions SET value = '200'`],
  },
  {
    name: 'FIFO layers out of time order (the newer receipt in front)',
    expectedItem: VALUATION_CHECK_NAMES.fifoOrder,
    sql: [
      `UPDATE positions SET layers = '${layersJson([
        ['2', '40', 'r2'],
        ['2', '20', 'r1'],
      ])}'`,
    ],
  },
  {
    name: 'a reversal that is not the mirror of its original (balanced extra lines)',
    expectedItem: VALUATION_CHECK_NAMES.mirror,
    sql: [
      `INSERT INTO journal (transaction_id, account, debit, credit, time_ms, recorded_ms) VALUES ('v1', 'COGS', '0', '5', 0, 0)`,
      `INSERT INTO journal (transaction_id, account, debit, credit, time_ms, recorded_ms) VALUES ('v1', 'Cash', '5', '0', 0, 0)`,
    ],
  },
  {
    // SQLite finds a transaction's entries and lines by its sequence number; a row without the right one would be
    // invisible to lookups by transaction, so `check` names it.
    name: 'journal lines whose transaction_seq is not their transaction’s (balanced)',
    expectedItem: "entries and journal lines carry their transaction's sequence number",
    sql: [
      `INSERT INTO journal (transaction_id, transaction_seq, account, debit, credit, time_ms, recorded_ms) VALUES ('v1', 999999, 'Cash', '0', '5', 0, 0)`,
      `INSERT INTO journal (transaction_id, transaction_seq, account, debit, credit, time_ms, recorded_ms) VALUES ('v1', 999999, 'Cash', '5', '0', 0, 0)`,
    ],
  },
];

describe('check catches books that balance but are wrong', () => {
  it('passes the untouched books', async () => {
    const store = await storeWith(join(directory, 'sound.sqlite'), BASE);
    const report = await store.check();
    await store.close();
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.checks.map((check) => check.name)).toEqual(
      expect.arrayContaining(Object.values(VALUATION_CHECK_NAMES)),
    );
  });

  it.each(tampering)('fails on $name', async ({ expectedItem, sql }) => {
    const path = join(directory, `${expectedItem.replace(/\W+/g, '-')}.sqlite`);
    await (await storeWith(path, BASE)).close();
    const db = new Database(path);
    for (const statement of sql) db.prepare(statement).run();
    db.close();
    const store = await openLedgerStore({ kind: 'sqlite', path }, catalog());
    const report = await store.check();
    await store.close();
    expect(report.checks.find((check) => check.name === expectedItem)).toMatchObject({ ok: false });
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    expect(await runLedgerCli(['check', '--store', `sqlite:${path}`], output)).toBe(1);
    expect(text).toContain(`FAIL ${expectedItem}`);
  });
});

describe('reversals restore exactly what the original changed', () => {
  const layersAt = async (store: LedgerStore, product: string, location: string) =>
    ((await store.stock({ product, location }))[0]?.layers ?? []).map((layer) => `${layer.qty}@${layer.unitCost}`);
  const balance = async (store: LedgerStore, account: string) =>
    (await store.trialBalance()).accounts.find((row) => row.account === account)?.balance ?? '0';
  let counter = 0;
  const fresh = (inputs: TransactionInput[]) => storeWith(join(directory, `reversal-${counter++}.sqlite`), inputs);

  it('puts a reversed sale’s layers back at the front of the FIFO queue', async () => {
    const store = await fresh([
      ...BASE.slice(0, 3),
      { id: 'r3', type: 'receipt', product: FIFO, location: BACKROOM, qty: '1', unitCost: '30' },
      { id: 'v1', type: 'reversal', of: 's1' },
    ]);
    expect(await layersAt(store, FIFO, BACKROOM)).toEqual(['2@10', '2@20', '1@30']);
    expect(await balance(store, 'COGS')).toBe('0');
    await store.close();
  });

  it('takes back the layers a transfer moved, not the destination’s older ones', async () => {
    const store = await fresh([
      { id: 'r1', type: 'receipt', product: FIFO, location: SHELF, qty: '2', unitCost: '1' },
      { id: 'r2', type: 'receipt', product: FIFO, location: BACKROOM, qty: '2', unitCost: '3' },
      { id: 't1', type: 'transfer', product: FIFO, from: BACKROOM, to: SHELF, qty: '2' },
      { id: 'v1', type: 'reversal', of: 't1' },
    ]);
    expect(await layersAt(store, FIFO, SHELF)).toEqual(['2@1']);
    expect(await layersAt(store, FIFO, BACKROOM)).toEqual(['2@3']);
    // The provenance the reversal used: the layer left the backroom as r2's and arrived on the shelf as t1's.
    expect((await store.entries({ transactionId: 't1' })).items).toMatchObject([
      { location: BACKROOM, layersOut: [{ qty: '2', value: '6', sourceId: 'r2' }], layersIn: [] },
      { location: SHELF, layersIn: [{ qty: '2', value: '6', sourceId: 't1' }], layersOut: [] },
    ]);
    await store.close();
  });

  it('puts back two pieces of one transfer’s layers in their order, in front of newer stock', async () => {
    const store = await fresh([
      { id: 'r1', type: 'receipt', product: FIFO, location: BACKROOM, qty: '1', unitCost: '1' },
      { id: 'r2', type: 'receipt', product: FIFO, location: BACKROOM, qty: '2', unitCost: '2' },
      // t1 carries both layers to the shelf; there both are named t1 (they arrived there then).
      { id: 't1', type: 'transfer', product: FIFO, from: BACKROOM, to: SHELF, qty: '3' },
      { id: 'r3', type: 'receipt', product: FIFO, location: SHELF, qty: '1', unitCost: '3' },
      { id: 't2', type: 'transfer', product: FIFO, from: SHELF, to: BACKROOM, qty: '3' },
      { id: 'v1', type: 'reversal', of: 't2' },
    ]);
    // Before the fix the second piece found the first (same id, just put back) as its "remainder"
    // and went in front of it: 2@2, 1@1, 1@3, breaking "FIFO layers in time order".
    expect(await layersAt(store, FIFO, SHELF)).toEqual(['1@1', '2@2', '1@3']);
    expect((await store.check()).ok).toBe(true);
    await store.close();
  });

  it('never leaves an average pool with a negative value: the excess goes to Cost Variance', async () => {
    const store = await fresh([
      { id: 'r1', type: 'receipt', product: AVERAGE, location: BACKROOM, qty: '10', unitCost: '1' },
      { id: 'r2', type: 'receipt', product: AVERAGE, location: BACKROOM, qty: '1', unitCost: '1000' },
      { id: 's1', type: 'sale', product: AVERAGE, location: BACKROOM, qty: '10' },
      { id: 'r3', type: 'receipt', product: AVERAGE, location: BACKROOM, qty: '10', unitCost: '1' },
      { id: 'v2', type: 'reversal', of: 'r2' },
    ]);
    const [position] = await store.stock({ product: AVERAGE, location: BACKROOM });
    expect(position).toMatchObject({ qty: '10', value: '0' });
    // The pool held 101.8182 (1 unit left at 91.8182 + 10 at 1); the receipt's 1,000 could not all leave.
    expect(await balance(store, 'Cost Variance')).toBe('-898.1818');
    expect(await balance(store, 'GRNI')).toBe('-20');
    expect((await store.check()).ok).toBe(true);
    await store.close();
  });

  it('refuses to reverse a count: a recount corrects it', async () => {
    const store = await fresh([
      { id: 'c1', type: 'count', product: FIFO, location: BACKROOM, qty: '3', unitCost: '2' },
    ]);
    const [result] = await store.applyBatch([TransactionSchema.parse({ id: 'v1', type: 'reversal', of: 'c1' })]);
    expect(result).toMatchObject({ status: 'rejected', code: 'SW_LEDGER_NOT_REVERSIBLE' });
    expect(result?.reason).toContain('new count');
    await store.close();
  });
});

describe('supplier returns', () => {
  it('debit GRNI at the receipt’s cost; the difference to the pool average goes to Cost Variance', async () => {
    const store = await storeWith(join(directory, 'supplier-return.sqlite'), [
      { id: 'r1', type: 'receipt', product: AVERAGE, location: BACKROOM, qty: '4', unitCost: '10' },
      { id: 'r2', type: 'receipt', product: AVERAGE, location: BACKROOM, qty: '4', unitCost: '20' },
      { id: 'x1', type: 'supplier_return', product: AVERAGE, location: BACKROOM, qty: '2', of: 'r2' },
    ]);
    const balances = Object.fromEntries((await store.trialBalance()).accounts.map((row) => [row.account, row.balance]));
    // Received 120 into GRNI; the supplier credits 2 × 20 = 40; stock gave up 2 × 15 = 30.
    expect(balances).toMatchObject({ GRNI: '-80', 'Inventory:s1': '90', 'Cost Variance': '-10' });
    expect((await store.transaction('x1'))?.result.flags).toContain('supplier_return_variance');
    await store.close();
  });
});
