import { z } from 'zod';

/**
 * Accounting periods are calendar months in UTC, named `yyyy-mm`. Closing a period
 * locks every posting date up to its end (and every earlier period's): a journal
 * line is dated at its event time, or at the first instant of the open period when
 * the event is older (a late event books in the open period; its stock entries keep
 * their own event time). Pure: no I/O.
 */
export const PeriodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-11');

export interface PeriodBounds {
  period: string;
  /** First instant of the period (inclusive), epoch ms UTC. */
  startMs: number;
  /** Last millisecond of the period (inclusive). */
  endMs: number;
}

export function periodBounds(period: string): PeriodBounds {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const startMs = Date.UTC(year, month - 1, 1);
  return { period, startMs, endMs: Date.UTC(year, month, 1) - 1 };
}

/** The posting date of a journal line: its event time, never inside a closed period. */
export function postingTimeMs(eventMs: number, closedThroughMs: number | undefined): number {
  return closedThroughMs === undefined || eventMs > closedThroughMs ? eventMs : closedThroughMs + 1;
}

export interface PeriodClose {
  period: string;
  /** Posting dates up to here are locked. */
  closedThrough: string;
  closedAt: string;
  /** True when this period (or a later one) was already closed: nothing changed. */
  alreadyClosed: boolean;
}
