/**
 * Sorts a failure of the ledger store into the two kinds the consumer treats
 * differently (issue 12): a store that is unavailable (the database is down, busy,
 * out of disk) is retried, because the same message will commit once it is back;
 * anything else is deterministic (a bad date, an arithmetic or mapping error, a
 * broken invariant) and would fail the same way forever, so it is dead-lettered and
 * the stream moves on. Unknown errors count as deterministic: retrying them would
 * stall every gateway behind one message.
 */
export type FailureKind = 'store_unavailable' | 'deterministic';

/** Node socket errors: the database server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Disk and file-system conditions that pass when an operator frees space or a lock. */
const FILE_SYSTEM_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE']);
/** better-sqlite3 codes (primary and extended share a prefix). */
const SQLITE_PREFIXES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
];
/**
 * PostgreSQL SQLSTATE classes and codes: 08 connection exception, 53 insufficient
 * resources (53100 disk full), 57P01–57P03 shutdown / cannot connect now,
 * 40001 / 40P01 serialization failure and deadlock (retry is the documented cure).
 */
const PG_CLASSES = ['08', '53'];
const PG_CODES = new Set(['57P01', '57P02', '57P03', '40001', '40P01']);
/** node-postgres reports a lost or never-made connection without a code. */
const PG_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
];

/** Our own store refusing because it is closing: the message must stay un-acked for the next start. */
const STORE_CODES = new Set(['SW_STORE_CLOSED']);

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (STORE_CODES.has(code)) return true;
    if (NETWORK_CODES.has(code) || FILE_SYSTEM_CODES.has(code)) return true;
    if (SQLITE_PREFIXES.some((prefix) => code.startsWith(prefix))) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && (PG_CLASSES.includes(code.slice(0, 2)) || PG_CODES.has(code))) return true;
  }
  return PG_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Looks through `cause` chains and AggregateErrors (a pool reports every address it tried). */
export function failureKind(error: unknown, depthMax = 8): FailureKind {
  let current: unknown = error;
  for (let depth = 0; depth < depthMax && current !== undefined && current !== null; depth++) {
    if (isUnavailable(current)) return 'store_unavailable';
    if (
      current instanceof AggregateError &&
      current.errors.some((inner) => failureKind(inner, depthMax - depth - 1) === 'store_unavailable')
    )
      return 'store_unavailable';
    current = current instanceof Error ? current.cause : undefined;
  }
  return 'deterministic';
}
