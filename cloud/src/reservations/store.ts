import type { ReservationRecord, ReservationStatus } from './contract.js';

/**
 * Where reservations live: beside the ledger (same SQLite file or PostgreSQL database, own table).
 * `exclusive` is the one door for decisions: at most one runs at a time across every process sharing
 * the store (SQLite: one process per file plus an in-process queue; PostgreSQL: an advisory lock), so
 * two channels reserving the last unit at once cannot both win.
 */
export interface ReservationStore {
  exclusive<T>(work: (session: ReservationSession) => Promise<T>): Promise<T>;
  get(id: string): Promise<ReservationRecord | undefined>;
  /** Open reservations (unexpired at nowMs), optionally of one site; bounded by RESERVATIONS_OPEN_PER_SITE_MAX. */
  listOpen(nowMs: number, site?: string): Promise<ReservationRecord[]>;
  close(): Promise<void>;
}

export interface ReservationSession {
  get(id: string): Promise<ReservationRecord | undefined>;
  listOpen(nowMs: number, site: string): Promise<ReservationRecord[]>;
  /** Inserts or replaces the record (status changes are written whole). */
  put(record: ReservationRecord): Promise<void>;
  /** Marks open reservations past their expiry `expired`; returns how many. */
  expire(nowMs: number): Promise<number>;
}

export const statusOf = (record: ReservationRecord, nowMs: number): ReservationStatus =>
  record.status === 'open' && record.expiresMs <= nowMs ? 'expired' : record.status;
