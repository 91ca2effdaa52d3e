import pg from 'pg';
import { openPoolWithSchema } from '../../store/postgres-pool.js';
import { RECEIVING_POSTGRES_SCHEMA } from '../../store/postgres-schema.js';
import type { DocumentKind, DocumentQuery, DocumentWrite, ReceivingStore, StoredDocument } from './store.js';

type Row = StoredDocument;
/** Serialises schema creation when several cloud processes start at once. */
const RECEIVING_SCHEMA_LOCK_KEY = 0x5357_5243; // "SWRC"

const toDocument = (row: Row): StoredDocument => ({ ...row, version: Number(row.version) });

/** PostgreSQL: one transaction per write set; a version mismatch or a lost insert race rolls it back. */
export class PostgresReceivingStore implements ReceivingStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string, poolSize = 2): Promise<PostgresReceivingStore> {
    return new PostgresReceivingStore(
      await openPoolWithSchema(url, poolSize, RECEIVING_POSTGRES_SCHEMA, RECEIVING_SCHEMA_LOCK_KEY),
    );
  }

  async get(kind: DocumentKind, id: string): Promise<StoredDocument | undefined> {
    const result = await this.pool.query<Row>('SELECT * FROM receiving_documents WHERE kind = $1 AND id = $2', [
      kind,
      id,
    ]);
    const row = result.rows[0];
    return row && toDocument(row);
  }

  async getMany(kind: DocumentKind, ids: readonly string[]): Promise<StoredDocument[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query<Row>('SELECT * FROM receiving_documents WHERE kind = $1 AND id = ANY($2)', [
      kind,
      [...ids],
    ]);
    return result.rows.map(toDocument);
  }

  async list(kind: DocumentKind, query: DocumentQuery): Promise<StoredDocument[]> {
    const result = await this.pool.query<Row>(
      `SELECT * FROM receiving_documents WHERE kind = $1 AND ($2::text IS NULL OR site = $2)
       AND ($3::text IS NULL OR status = $3) ORDER BY created_seq LIMIT $4`,
      [kind, query.site ?? null, query.status ?? null, query.limit],
    );
    return result.rows.map(toDocument);
  }

  async write(writes: readonly DocumentWrite[]): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const write of writes) {
        const result =
          write.expectedVersion === null
            ? await client.query(
                `INSERT INTO receiving_documents (kind, id, version, hash, site, status, body)
                 VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (kind, id) DO NOTHING`,
                [
                  write.kind,
                  write.id,
                  write.hash ?? '',
                  write.site ?? null,
                  write.status ?? null,
                  JSON.stringify(write.body),
                ],
              )
            : write.delete
              ? await client.query('DELETE FROM receiving_documents WHERE kind = $1 AND id = $2 AND version = $3', [
                  write.kind,
                  write.id,
                  write.expectedVersion,
                ])
              : await client.query(
                  `UPDATE receiving_documents SET version = version + 1, site = $1, status = $2, body = $3
                   WHERE kind = $4 AND id = $5 AND version = $6`,
                  [
                    write.site ?? null,
                    write.status ?? null,
                    JSON.stringify(write.body),
                    write.kind,
                    write.id,
                    write.expectedVersion,
                  ],
                );
        if (result.rowCount !== 1) {
          await client.query('ROLLBACK');
          return false;
        }
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
