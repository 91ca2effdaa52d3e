/**
 * Which failures mean "the store is unavailable, try the same batch again" and which mean
 * "this input can never be applied" (poison: dead-letter it and move on). Only the first kind
 * may hold up the stream; anything deterministic retried forever would stall every gateway.
 */
const SQLITE_UNAVAILABLE = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_READONLY',
]);
const NETWORK_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** PostgreSQL SQLSTATE classes and codes that say "not now" rather than "never". */
const POSTGRES_UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];
const POSTGRES_RETRY_CODES = new Set(['40001', '40P01', '55P03']);

export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLITE_UNAVAILABLE.has(code) || SQLITE_UNAVAILABLE.has(code.split('_').slice(0, 2).join('_'))) return true;
    if (NETWORK_UNAVAILABLE.has(code) || POSTGRES_RETRY_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && POSTGRES_UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  const message = error instanceof Error ? error.message : '';
  // node-postgres reports a lost connection without a code.
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}
