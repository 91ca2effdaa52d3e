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
  /** Prepared once: receiving reads and writes on every dock batch. */
  private readonly statements: ReturnType<typeof prepare>;

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly releaseCheckpointer: () => Promise<void>,
  ) {
    this.statements = prepare(db);
  }

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
    const row = this.statements.get.get(kind, id) as Row | undefined;
    return row && toDocument(row);
  }

  async getMany(kind: DocumentKind, ids: readonly string[]): Promise<StoredDocument[]> {
    if (ids.length === 0) return [];
    const rows = this.statements.getMany.all(kind, JSON.stringify(ids)) as Row[];
    return rows.map(toDocument);
  }

  async list(kind: DocumentKind, query: DocumentQuery): Promise<StoredDocument[]> {
    // One statement per combination of filters, so each can use the (kind, status, site, created_seq) index.
    const { site, status, limit } = query;
    const s = this.statements;
    const rows = (
      site !== undefined && status !== undefined
        ? s.listBySiteStatus.all(kind, status, site, limit)
        : status !== undefined
          ? s.listByStatus.all(kind, status, limit)
          : site !== undefined
            ? s.listBySite.all(kind, site, limit)
            : s.list.all(kind, limit)
    ) as Row[];
    return rows.map(toDocument);
  }

  async write(writes: readonly DocumentWrite[]): Promise<boolean> {
    const { insert, update, remove } = this.statements;
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

function prepare(db: SqliteDatabase) {
  const list = (where: string) =>
    db.prepare(`SELECT * FROM receiving_documents WHERE kind = ? ${where} ORDER BY created_seq LIMIT ?`);
  return {
    get: db.prepare('SELECT * FROM receiving_documents WHERE kind = ? AND id = ?'),
    getMany: db.prepare('SELECT * FROM receiving_documents WHERE kind = ? AND id IN (SELECT value FROM json_each(?))'),
    list: list(''),
    listByStatus: list('AND status = ?'),
    listBySite: list('AND site = ?'),
    listBySiteStatus: list('AND status = ? AND site = ?'),
    insert: db.prepare(
      `INSERT INTO receiving_documents (kind, id, version, hash, site, status, body, created_seq)
       VALUES (?, ?, 1, ?, ?, ?, ?, (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM receiving_documents))
       ON CONFLICT (kind, id) DO NOTHING`,
    ),
    update: db.prepare(
      `UPDATE receiving_documents SET version = version + 1, site = ?, status = ?, body = ?
       WHERE kind = ? AND id = ? AND version = ?`,
    ),
    remove: db.prepare('DELETE FROM receiving_documents WHERE kind = ? AND id = ? AND version = ?'),
  };
}
