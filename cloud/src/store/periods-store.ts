import { makeError } from '../../../shared/src/errors.js';
import { LedgerErrors } from '../ledger/errors.js';
import { periodBounds, type PeriodClose } from '../ledger/periods.js';
import type { PeriodCloseResult } from './ledger-store.js';

/**
 * Period close shared by the SQL stores: the decision (pure) around their one
 * read (the latest closed end) and one insert. Closing is cumulative: closing
 * 2026-11 also locks every month before it.
 */
export interface PeriodRow {
  period: string;
  end_ms: number | string;
  closed_ms: number | string;
}

export const PERIOD_QUERIES = {
  closedThrough: 'SELECT max(end_ms) AS end_ms FROM periods',
  all: 'SELECT period, end_ms, closed_ms FROM periods ORDER BY end_ms',
} as const;

export function periodView(row: PeriodRow, alreadyClosed = false): PeriodClose {
  return {
    period: row.period,
    closedThrough: new Date(Number(row.end_ms)).toISOString(),
    closedAt: new Date(Number(row.closed_ms)).toISOString(),
    alreadyClosed,
  };
}

export type PeriodDecision =
  | { kind: 'insert'; row: { period: string; end_ms: number; closed_ms: number } }
  | { kind: 'done'; result: PeriodCloseResult };

export function decidePeriodClose(period: string, closedThroughMs: number | null, nowMs: number): PeriodDecision {
  const { endMs } = periodBounds(period);
  if (endMs >= nowMs) {
    const error = makeError(LedgerErrors.PERIOD_NOT_ENDED, { period, end: new Date(endMs + 1).toISOString() });
    return { kind: 'done', result: { ok: false, code: error.code, reason: error.message } };
  }
  if (closedThroughMs !== null && closedThroughMs >= endMs) {
    const view = periodView({ period, end_ms: closedThroughMs, closed_ms: nowMs }, true);
    return { kind: 'done', result: { ok: true, ...view, closedThrough: new Date(closedThroughMs).toISOString() } };
  }
  return { kind: 'insert', row: { period, end_ms: endMs, closed_ms: nowMs } };
}

export const toNumberOrNull = (value: number | string | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);
