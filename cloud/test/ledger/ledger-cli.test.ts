import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runLedgerCli } from '../../src/ledger-cli.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { TransactionSchema } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';

const directory = mkdtempSync(join(tmpdir(), 'stockwire-ledger-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; text: string }> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await runLedgerCli(args, output);
  return { code, text };
}

const P = '00000000000017';
const lines = [
  { type: 'product', product: P, valuation: 'fifo', allowNegative: false },
  { id: 't1', type: 'receipt', product: P, location: 'A', qty: '8', unitCost: '10' },
  { id: 't2', type: 'sale', product: P, location: 'A', qty: '10' },
  { id: 't3', type: 'receipt', product: P, location: 'A', qty: '4', unitCost: '12.5' },
  { id: 't4', type: 'sale', product: P, location: 'A', qty: '10' },
  { id: 't5', type: 'customer_return', product: P, location: 'A', qty: '1', of: 't4' },
  { id: 't6', type: 'supplier_return', product: P, location: 'A', qty: '1', of: 't3' },
  { id: 't7', type: 'transfer', product: P, from: 'A', to: 'B', qty: '1' },
  { id: 't8', type: 'adjustment', product: P, location: 'B', qty: '-1', reason: 'damage' },
  { id: 't9', type: 'count', product: P, location: 'A', qty: '0' },
  { id: 't10', type: 'sale', product: '99999999999999', location: 'A', qty: '1' },
  { id: 't11', type: 'receipt', product: P, location: 'A', qty: '-1', unitCost: '1' },
];

describe('ledger replay', () => {
  it('prints positions, transactions and accounts as decimal strings, going on after rejections', async () => {
    const file = join(directory, 'transactions.jsonl');
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\nnot json\n`);
    const { code, text } = await run(['replay', file]);
    expect(code).toBe(0);
    const document = JSON.parse(text) as {
      positions: unknown[];
      transactions: { id: string; status: string; qtyDelta: string; valueDelta: string; reason?: string }[];
      accounts: Record<string, string>;
      check: { ok: boolean };
    };
    expect(
      document.transactions.map(({ id, status, qtyDelta, valueDelta }) => [id, status, qtyDelta, valueDelta]),
    ).toEqual([
      ['t1', 'applied', '8', '80'],
      ['t2', 'rejected', '0', '0'], // only 8 on hand
      ['t3', 'applied', '4', '50'],
      ['t4', 'applied', '-10', '-105'],
      ['t5', 'applied', '1', '10.5'],
      ['t6', 'applied', '-1', '-12.5'],
      ['t7', 'applied', '0', '0'],
      ['t8', 'applied', '-1', '-12.5'],
      ['t9', 'applied', '-1', '-10.5'], // the returned unit (at its sale cost) was not there
      ['t10', 'rejected', '0', '0'],
      ['t11', 'rejected', '0', '0'],
      ['line 13', 'rejected', '0', '0'],
    ]);
    expect(document.transactions[1]?.reason).toContain('only 8 available');
    expect(document.transactions[10]?.reason).toContain('qty');
    expect(document.positions).toEqual([
      { product: P, location: 'A', qty: '0', value: '0', unitCost: '0', layers: [] },
      { product: P, location: 'B', qty: '0', value: '0', unitCost: '0', layers: [] },
    ]);
    expect(document.accounts).toEqual({
      COGS: '94.5',
      GRNI: '-117.5',
      Inventory: '0',
      'Inventory Adjustment': '12.5',
      Shrinkage: '10.5',
    });
    expect(document.check.ok).toBe(true);
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await run(['replay'])).code).toBe(2);
    expect((await run(['nonsense'])).code).toBe(2);
    expect((await run(['replay', join(directory, 'missing.jsonl')])).code).toBe(2);
  });
});

describe('check', () => {
  it('exits 0 on a sound SQLite ledger and 1 with a readable report on a broken one', async () => {
    const path = join(directory, 'ledger.sqlite');
    const store = await openLedgerStore({ kind: 'sqlite', path }, buildCatalog({ products: [{ gtin: P }] }));
    await store.applyBatch([
      TransactionSchema.parse({ id: 'r1', type: 'receipt', product: P, location: 'A', qty: '2', unitCost: '3' }),
    ]);
    await store.close();
    const sound = await run(['check', '--store', `sqlite:${path}`]);
    expect(sound).toMatchObject({ code: 0 });
    expect(sound.text).toContain('ledger check: OK');
    // Break the materialised balance behind the ledger's back.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path);
    db.prepare("UPDATE positions SET qty = '3'").run();
    expect(() => db.prepare("UPDATE entries SET qty_delta = '3'").run()).toThrow(/append-only/);
    db.close();
    const broken = await run(['check', '--store', `sqlite:${path}`]);
    expect(broken.code).toBe(1);
    expect(broken.text).toContain('FAIL position balance = Σ entry deltas');
    expect(broken.text).toContain('00000000000017 at A');
  });
});
