import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Logger } from '../../../shared/src/log.js';

/**
 * WAL checkpoints off the event loop. By default the connection whose commit pushes the WAL past 1,000 pages
 * copies the WAL back into the database file and fsyncs it, inside that commit: under load every few batches
 * one of them stalls the event loop for it. The writers of a file turn automatic checkpoints off and one worker
 * thread per file, with its own connection, checkpoints every `CHECKPOINT_INTERVAL_MS`:
 * - PASSIVE (never waits for nor blocks a writer) copies what is committed;
 * - but the WAL only starts over from its beginning when a writer finds it wholly copied, which a busy writer
 *   rarely does (measured: 191 MB of WAL after 16,000 events). Past `WAL_RESTART_FRAMES` the worker runs a
 *   RESTART instead: it waits for the writer's current transaction, copies the few frames PASSIVE left, and
 *   makes the next writer start at the WAL's beginning. That bounds the WAL (and the next open's recovery).
 */
export const CHECKPOINT_INTERVAL_MS = 250;
/** WAL frames (pages) past which a checkpoint also restarts the WAL: 16 MiB at 4 KiB pages. */
export const WAL_RESTART_FRAMES = 4_096;
/** SQLite's own default, restored if the worker dies. */
const WAL_AUTOCHECKPOINT_DEFAULT_PAGES = 1_000;
/** How long the last release waits for the worker's final checkpoint before terminating it. */
const CHECKPOINTER_STOP_TIMEOUT_MS = 5_000;

// CommonJS (an eval'd worker); the module path comes from here so resolution does not depend on the cwd.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
const checkpoint = () => {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive && passive.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch (error) {
    parentPort.postMessage(String(error && error.message));
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

interface Running {
  worker: Worker;
  users: number;
  /** The writers relying on it: if the worker dies they get automatic checkpoints back. */
  dbs: Set<SqliteDatabase>;
}

const running = new Map<string, Running>();

/**
 * Turns off automatic checkpoints on `db` (a connection to the WAL file at `path`) and makes sure one checkpoint
 * worker runs for that file; the returned function releases it (the last release stops the worker after a final
 * checkpoint). A `:memory:` database needs none.
 */
export function useCheckpointer(db: SqliteDatabase, path: string, logger: Logger): () => Promise<void> {
  if (path === ':memory:' || path === '') return async () => undefined;
  const key = resolve(path);
  let entry = running.get(key);
  if (!entry) {
    const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath, path: key, intervalMs: CHECKPOINT_INTERVAL_MS, restartFrames: WAL_RESTART_FRAMES },
    });
    worker.unref(); // a checkpoint is never a reason to keep the process alive
    worker.on('message', (message: string) => logger.warn({ err: message, path: key }, 'WAL checkpoint failed'));
    const dbs = new Set<SqliteDatabase>();
    worker.on('error', (error) => {
      logger.error({ err: error.message, path: key }, 'WAL checkpointer stopped; writers checkpoint themselves');
      if (running.get(key)?.worker === worker) running.delete(key);
      for (const each of dbs) if (each.open) each.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_DEFAULT_PAGES}`);
    });
    entry = { worker, users: 0, dbs };
    running.set(key, entry);
  }
  entry.users++;
  entry.dbs.add(db);
  db.pragma('wal_autocheckpoint = 0');
  const owned = entry;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    owned.dbs.delete(db);
    if (--owned.users > 0) return;
    running.delete(key);
    const exited = new Promise<void>((done) => owned.worker.once('exit', () => done()));
    owned.worker.ref(); // while we wait for it, it must keep the process alive, or the wait never ends
    owned.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((done) => (timer = setTimeout(done, CHECKPOINTER_STOP_TIMEOUT_MS)));
    await Promise.race([exited, timeout]);
    clearTimeout(timer);
    await owned.worker.terminate();
  };
}
