import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { silentLogger } from '../../../../shared/src/log.js';
import { useCheckpointer } from '../../store/sqlite-checkpointer.js';
import { RECEIVING_SQLITE_SCHEMA } from '../../store/sqlite-schema.js';
import type { DocumentKind, DocumentQuery, DocumentWrite, ReceivingStore, StoredDocument } from './store.js';

/** As stored: the body is JSON text. */
type Row = Omit<StoredDocument, 'body'> & { body: string };

const toDocument = (row: Row): StoredDocument => ({ ...row, body: JSON.parse(row.body) as unknown });

/** SQLite (file or memory): its own connection beside the ledger's, WAL + synchronous=FULL like it. */
export class SqliteReceivingStore implements ReceivingStore {
  private constructor(
    private readonly db: SqliteDatabase,
    private readonly releaseCheckpointer: () => Promise<void>,
  ) {}

  static open(path: string): SqliteReceivingStore {
    const db = new Database(path);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // The ledger connection holds the write lock during its batches.
    db.pragma('busy_timeout = 5000');
    db.exec(RECEIVING_SQLITE_SCHEMA);
    return new SqliteReceivingStore(db, useCheckpointer(db, path, silentLogger()));
  }

  async get(kind: DocumentKind, id: string): Promise<StoredDocument | undefined> {
    const row = this.db.prepare('SELECT * FROM receiving_documents WHERE kind = ? AND id = ?').get(kind, id) as
      Row | undefined;
    return row && toDocument(row);
  }

  async getMany(kind: DocumentKind, ids: readonly string[]): Promise<StoredDocument[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare('SELECT * FROM receiving_documents WHERE kind = ? AND id IN (SELECT value FROM json_each(?))')
      .all(kind, JSON.stringify(ids)) as Row[];
    return rows.map(toDocument);
  }

  async list(kind: DocumentKind, query: DocumentQuery): Promise<StoredDocument[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM receiving_documents WHERE kind = ? AND (? IS NULL OR site = ?) AND (? IS NULL OR status = ?)
         ORDER BY created_seq LIMIT ?`,
      )
      .all(
        kind,
        query.site ?? null,
        query.site ?? null,
        query.status ?? null,
        query.status ?? null,
        query.limit,
      ) as Row[];
    return rows.map(toDocument);
  }

  async write(writes: readonly DocumentWrite[]): Promise<boolean> {
    const insert = this.db.prepare(
      `INSERT INTO receiving_documents (kind, id, version, hash, site, status, body, created_seq)
       VALUES (?, ?, 1, ?, ?, ?, ?, (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM receiving_documents))
       ON CONFLICT (kind, id) DO NOTHING`,
    );
    const update = this.db.prepare(
      `UPDATE receiving_documents SET version = version + 1, site = ?, status = ?, body = ?
       WHERE kind = ? AND id = ? AND version = ?`,
    );
    const remove = this.db.prepare('DELETE FROM receiving_documents WHERE kind = ? AND id = ? AND version = ?');
    const apply = this.db.transaction((): boolean => {
      for (const write of writes) {
        const body = JSON.stringify(write.body);
        const changes =
          write.expectedVersion === null
            ? insert.run(write.kind, write.id, write.hash ?? '', write.site ?? null, write.status ?? null, body).changes
            : write.delete
              ? remove.run(write.kind, write.id, write.expectedVersion).changes
              : update.run(write.site ?? null, write.status ?? null, body, write.kind, write.id, write.expectedVersion)
                  .changes;
        if (changes !== 1) throw new VersionMismatch();
      }
      return true;
    });
    try {
      return apply.immediate();
    } catch (error) {
      if (error instanceof VersionMismatch) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.db.close();
    await this.releaseCheckpointer();
  }
}

class VersionMismatch extends Error {}
