import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteReceivingStore } from '../../src/receiving/store/sqlite-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { receivingStoreContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'stockwire-receiving-'));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

receivingStoreContract('SQLite memory', async (catalog) => ({
  receiving: SqliteReceivingStore.open(':memory:'),
  ledger: await openLedgerStore({ kind: 'memory' }, catalog),
}));

receivingStoreContract('SQLite file (two connections)', async (catalog) => {
  const path = join(dir, `receiving-${counter++}.sqlite`);
  return {
    ledger: await openLedgerStore({ kind: 'sqlite', path }, catalog),
    receiving: SqliteReceivingStore.open(path),
    second: SqliteReceivingStore.open(path),
  };
});
