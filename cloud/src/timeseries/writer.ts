import type { TimeseriesPoint } from './points.js';

/** The seam between the sink (buffering, retry, accounting) and one InfluxDB client library. */
export interface PointWriter {
  /** Where it writes, for logs and error messages (no credentials). */
  readonly target: string;
  /** One-off preparation (e.g. create the database); failures are logged, not fatal. */
  prepare(): Promise<void>;
  /** Writes one batch; rejects if the server did not accept all of it. */
  write(points: readonly TimeseriesPoint[]): Promise<void>;
  close(): Promise<void>;
}

/** Removes user:password from a URL before it is logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}
