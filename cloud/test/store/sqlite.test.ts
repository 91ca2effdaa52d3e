import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLedgerStore } from '../../src/store/open.js';
import { ledgerStoreContract } from './contract.js';

const directory = mkdtempSync(join(tmpdir(), 'stockwire-ledger-sqlite-'));
let counter = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

ledgerStoreContract('sqlite file', (catalog, options) =>
  openLedgerStore({ kind: 'sqlite', path: join(directory, `ledger-${counter++}.sqlite`) }, catalog, options),
);
ledgerStoreContract('memory', (catalog, options) => openLedgerStore({ kind: 'memory' }, catalog, options));
