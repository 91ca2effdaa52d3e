import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryOutboxStore } from '../../src/outbox/memory-store.js';
import { openSqliteOutboxStore } from '../../src/outbox/sqlite-store.js';
import { outboxStoreContract } from './store-contract.js';

const directory = mkdtempSync(join(tmpdir(), 'stockwire-outbox-'));
let fileIndex = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

outboxStoreContract('memory', () => ({ store: createMemoryOutboxStore() }));
outboxStoreContract('sqlite', () => ({
  store: openSqliteOutboxStore(join(directory, `contract-${fileIndex++}.sqlite`)),
}));

describe('SQLite outbox durability settings', () => {
  it('runs in WAL mode with synchronous=FULL', () => {
    const path = join(directory, 'pragmas.sqlite');
    const store = openSqliteOutboxStore(path);
    store.append([{ eventId: 'a', payload: '{}' }]);
    const probe = new Database(path);
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
    store.close();
  });

  it('keeps rows, sequence and drop count across reopen', () => {
    const path = join(directory, 'reopen.sqlite');
    const first = openSqliteOutboxStore(path);
    first.append([1, 2, 3].map((index) => ({ eventId: `e${index}`, payload: `{"i":${index}}` })));
    first.remove([1]);
    first.dropOldest(1);
    first.close();
    const second = openSqliteOutboxStore(path);
    expect(second.stats()).toMatchObject({ depth: 1, lastSequence: 3, droppedTotal: 1, bytes: 7 });
    expect(second.append([{ eventId: 'e4', payload: '{}' }])[0]?.sequence).toBe(4);
    second.removeThrough(3);
    second.close();
    const third = openSqliteOutboxStore(path);
    expect(third.stats()).toMatchObject({ depth: 1, lastSequence: 4, bytes: 2 });
    third.close();
  });

  it('refuses a directory it cannot create with a coded error', () => {
    const notADirectory = join(directory, 'plain-file');
    writeFileSync(notADirectory, 'x');
    expect(() => openSqliteOutboxStore(join(notADirectory, 'outbox.sqlite'))).toThrow(
      expect.objectContaining({ code: 'SW_OUTBOX_OPEN_FAILED' }),
    );
  });
});
