import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/src/log.js';
import { CHECKPOINT_INTERVAL_MS, useCheckpointer } from '../../src/store/sqlite-checkpointer.js';
import { until } from '../../../test/support/wait.js';

const directory = mkdtempSync(join(tmpdir(), 'stockwire-checkpointer-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writer(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return db;
}

describe('WAL checkpoints on a worker thread', () => {
  it('turns automatic checkpoints off on the writer and copies its commits into the database file', async () => {
    const path = join(directory, 'one.sqlite');
    const db = writer(path);
    const release = useCheckpointer(db, path, silentLogger());
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const sizeBefore = statSync(path).size;
    db.transaction(() => {
      for (let index = 0; index < 2_000; index++) db.prepare('INSERT INTO t (body) VALUES (?)').run('x'.repeat(500));
    })();
    // Without a checkpoint the rows are only in the WAL; the worker copies them into the file.
    await until(() => statSync(path).size > sizeBefore + 500_000, 5 * CHECKPOINT_INTERVAL_MS, 'a checkpoint');
    await release();
    db.close();
  });

  it('runs one worker per file for several connections; the last release stops it', async () => {
    const path = join(directory, 'two.sqlite');
    const [first, second] = [writer(path), writer(path)];
    const releases = [useCheckpointer(first, path, silentLogger()), useCheckpointer(second, path, silentLogger())];
    await releases[0]?.();
    const sizeBefore = statSync(path).size;
    second.transaction(() => {
      for (let index = 0; index < 2_000; index++)
        second.prepare('INSERT INTO t (body) VALUES (?)').run('y'.repeat(500));
    })();
    await until(() => statSync(path).size > sizeBefore + 500_000, 5 * CHECKPOINT_INTERVAL_MS, 'a checkpoint');
    await releases[1]?.();
    await releases[1]?.(); // twice is harmless
    first.close();
    second.close();
  });

  it('needs no worker for an in-memory database', async () => {
    const db = new Database(':memory:');
    const release = useCheckpointer(db, ':memory:', silentLogger());
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await release();
    db.close();
  });
});
