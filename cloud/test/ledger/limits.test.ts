import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runLedgerCli } from '../../src/ledger-cli.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { magnitudeMaxText, withinLimit } from '../../src/ledger/limits.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';

/** Issue 12, finding 1: one valid amount must never brick the ledger. */
const directory = mkdtempSync(join(tmpdir(), 'stockwire-limits-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const P = '00000000000017';
const A = 'urn:stockwire:loc:store-1:backroom';
const catalog = () =>
  buildCatalog({
    products: [{ gtin: P, valuation: 'fifo', standardCost: '12.35' }],
    locations: [{ id: A, site: 'store-1', kind: 'backroom' }],
  });
let counter = 0;
const openFile = async (path = join(directory, `ledger-${counter++}.sqlite`)) => ({
  path,
  store: await openLedgerStore({ kind: 'sqlite', path }, catalog(), {}),
});
const apply = async (store: LedgerStore, input: TransactionInput) =>
  (await store.applyBatch([TransactionSchema.parse(input)]))[0];

describe('magnitude limit', () => {
  it('is 15 integer digits for every kind', () => {
    expect(magnitudeMaxText('quantity')).toBe('999999999999999.999');
    expect(magnitudeMaxText('money')).toBe('999999999999999.9999');
    expect(withinLimit('money', -(10n ** 19n))).toBe(false);
    expect(withinLimit('money', 10n ** 19n - 1n)).toBe(true);
  });

  it.each([
    ['a value past the limit (15-digit qty × 12.35)', [{ qty: '999999999999999', unitCost: '12.35' }]],
    [
      'a quantity sum past the limit (two receipts at 0.000001)',
      [
        { qty: '999999999999999', unitCost: '0.000001' },
        { qty: '999999999999999', unitCost: '0.000001' },
      ],
    ],
  ])('refuses %s before writing, and the ledger keeps working', async (_name, receipts) => {
    const { store } = await openFile();
    const results = [];
    for (const [index, receipt] of receipts.entries())
      results.push(await apply(store, { id: `r${index}`, type: 'receipt', product: P, location: A, ...receipt }));
    const last = results.at(-1);
    expect(last?.status).toBe('rejected');
    expect(last?.code).toBe('SW_LEDGER_MAGNITUDE_LIMIT');
    expect(last?.reason).toContain('beyond the ledger limit');
    expect((await store.trialBalance()).balanced).toBe(true);
    expect((await store.check()).ok).toBe(true);
    const elsewhere = 'urn:stockwire:loc:store-1:shelf-1';
    const later = await apply(store, { id: 'later', type: 'receipt', product: P, location: elsewhere, qty: '2' });
    expect(later?.status).toBe('applied');
    await store.close();
  });

  it('keeps data an older version stored beyond the limit readable, and check reports it', async () => {
    const { path, store } = await openFile();
    await apply(store, { id: 'big', type: 'receipt', product: P, location: A, qty: '1' });
    await store.close();
    // What an older version could write: a value of 12,349,999,999,999,987.65 consistently everywhere.
    const huge = '12349999999999987.65';
    const db = new Database(path);
    // The append-only triggers come back when the store opens it again.
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[];
    for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
    db.prepare('UPDATE entries SET value_delta = ?, value_after = ?').run(huge, huge);
    db.prepare('UPDATE positions SET value = ?, layers = ?').run(huge, JSON.stringify([['1', huge, 'big']]));
    db.prepare(
      "UPDATE journal SET debit = CASE WHEN debit = '0' THEN '0' ELSE ? END, credit = CASE WHEN credit = '0' THEN '0' ELSE ? END",
    ).run(huge, huge);
    db.prepare("UPDATE accounts SET balance = CASE WHEN balance LIKE '-%' THEN ? ELSE ? END").run(`-${huge}`, huge);
    db.close();

    const reopened = (await openFile(path)).store;
    expect((await reopened.trialBalance()).balanced).toBe(true);
    const report = await reopened.check();
    expect(report.ok).toBe(false);
    const limitCheck = report.checks.find((check) => check.name === 'numbers within the magnitude limit');
    expect(limitCheck?.violations.join('\n')).toContain(huge);
    // The books still move: a refund of the same stock is refused by the limit, a new receipt elsewhere is fine.
    const other = await apply(reopened, {
      id: 'next',
      type: 'receipt',
      product: P,
      location: 'urn:stockwire:loc:store-1:shelf-1',
      qty: '1',
    });
    expect(other?.status).toBe('applied');
    const more = await apply(reopened, { id: 'more', type: 'receipt', product: P, location: A, qty: '1' });
    expect(more?.code).toBe('SW_LEDGER_MAGNITUDE_LIMIT');
    await reopened.close();

    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await runLedgerCli(['check', '--store', `sqlite:${path}`], output);
    expect(code).toBe(1);
    expect(text).toContain('FAIL numbers within the magnitude limit');
  });
});
