import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TransactionSchema } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';
import { contractCatalog, FIFO, ledgerStoreContract } from './contract.js';

const directory = mkdtempSync(join(tmpdir(), 'stockwire-ledger-sqlite-'));
let counter = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

ledgerStoreContract('sqlite file', (catalog, options) =>
  openLedgerStore({ kind: 'sqlite', path: join(directory, `ledger-${counter++}.sqlite`) }, catalog, options),
);
ledgerStoreContract('memory', (catalog, options) => openLedgerStore({ kind: 'memory' }, catalog, options));

const BACKROOM = 'urn:stockwire:loc:store-1:backroom';

describe('SQLite: entries and journal found by transaction sequence number', () => {
  const receipt = { id: 'r1', type: 'receipt', product: FIFO, location: BACKROOM, qty: '3', unitCost: '7' } as const;

  it('backfills a database from before the sequence-number index, then reverses across it', async () => {
    const path = join(directory, `ledger-${counter++}.sqlite`);
    const before = await openLedgerStore({ kind: 'sqlite', path }, contractCatalog());
    await before.applyBatch([TransactionSchema.parse(receipt)]);
    await before.close();
    // Turn it into the older layout: id indexes, no transaction_seq column.
    const raw = new Database(path);
    raw.exec(`DROP INDEX entries_by_transaction_seq; DROP INDEX journal_by_transaction_seq;
      ALTER TABLE entries DROP COLUMN transaction_seq; ALTER TABLE journal DROP COLUMN transaction_seq;
      CREATE INDEX entries_by_transaction ON entries (transaction_id); CREATE INDEX journal_by_transaction ON journal (transaction_id);`);
    raw.close();

    const after = await openLedgerStore({ kind: 'sqlite', path }, contractCatalog());
    expect(await after.applyBatch([TransactionSchema.parse({ id: 'v1', type: 'reversal', of: 'r1' })])).toMatchObject([
      { status: 'applied', qtyDelta: '-3' },
    ]);
    expect((await after.entries({ transactionId: 'r1' })).items).toHaveLength(1);
    expect((await after.journal({ transactionId: 'v1' })).items.length).toBeGreaterThan(0);
    expect((await after.check()).ok).toBe(true);
    await after.close();
    const check = new Database(path, { readonly: true });
    const indexes = check.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('entries', 'journal')",
    );
    expect((indexes.pluck().all() as string[]).sort()).toEqual([
      'entries_by_product_time',
      'entries_by_transaction_seq',
      'journal_by_transaction_seq',
    ]);
    expect(check.prepare('SELECT count(*) FROM entries WHERE transaction_seq IS NULL').pluck().get()).toBe(0);
    check.close();
  });

  it('keeps entries appended only after the backfill', async () => {
    const path = join(directory, `ledger-${counter++}.sqlite`);
    const store = await openLedgerStore({ kind: 'sqlite', path }, contractCatalog());
    await store.applyBatch([TransactionSchema.parse(receipt)]);
    await store.close();
    const raw = new Database(path);
    expect(() => raw.exec("UPDATE entries SET qty_delta = '9'")).toThrow(/append-only/);
    raw.close();
  });
});
