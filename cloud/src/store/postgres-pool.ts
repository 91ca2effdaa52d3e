import pg from 'pg';

/**
 * Creates a store's tables under a transaction-scoped advisory lock: several cloud processes starting at
 * once against one database would otherwise race on `CREATE … IF NOT EXISTS` (it is not atomic for types
 * and indexes). The lock goes with the transaction, also when the schema fails.
 */
export async function createSchemaLocked(pool: pg.Pool, schema: string, lockKey: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    await client.query(schema);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A pool that survives its idle connections failing. pg emits `error` on the pool when an idle
 * connection dies (the server restarts, an administrator terminates it); with no listener that is an
 * uncaught exception that takes the whole cloud down. The pool has already dropped that connection, and
 * the next query opens a new one or fails to its caller, so the event is only worth a log line.
 */
export function newPool(url: string, poolSize: number, onIdleError: (error: Error) => void = () => undefined): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', onIdleError);
  return pool;
}

/** A pool whose schema exists; the pool is ended again when the schema cannot be made. */
export async function openPoolWithSchema(
  url: string,
  poolSize: number,
  schema: string,
  lockKey: number,
  onIdleError?: (error: Error) => void,
): Promise<pg.Pool> {
  const pool = newPool(url, poolSize, onIdleError);
  try {
    await createSchemaLocked(pool, schema, lockKey);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return pool;
}
