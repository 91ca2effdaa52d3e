import type { PortalConfig, ShelfConfig } from './config.js';
import type { RecordStore } from './records.js';
import type { TagTable } from './tags.js';

/** Photo-eye state of one portal (beams.ts reads and writes it; here so the state does not import its users). */
export interface PortalBeams {
  broken: [boolean, boolean];
  brokenSinceMs: [number, number];
  stuck: [boolean, boolean];
  /** Break edges, oldest first. */
  breaks: Array<{ side: number; timeMs: number }>;
}

/** Mutable state of one portal: the pass in progress and the tags parked in its field. */
export interface PortalState {
  kind: 'portal';
  index: number;
  id: string;
  config: PortalConfig;
  readPoint: string;
  active: boolean;
  /** Slots of the pass in progress. */
  pass: number[];
  /** Engine clock at the pass's first and latest read (quiet and dwell are judged on the engine clock). */
  passFirstMs: number;
  passLastMs: number;
  /** Slots reported after dwellMs and ignored until they go quiet. */
  parked: number[];
  slotsByTag: Map<number, number>;
  neighbours: PortalState[];
  /** Photo-eye beam levels, stuck flags and recent break edges (see beams.ts). */
  beams: PortalBeams;
}

/** Mutable state of one shelf: tags tracked through inventory rounds. */
export interface ShelfState {
  kind: 'shelf';
  index: number;
  id: string;
  config: ShelfConfig;
  readPoint: string;
  active: boolean;
  slots: number[];
  slotsByTag: Map<number, number>;
  /** Index of the round in progress (time / roundMs), or -1 before the first read or tick. */
  openRound: number;
  /** Bit k = the shelf had a read in round openRound + k. */
  pendingRoundReads: number;
  roundsClosed: number;
  silentRounds: number;
  presentCount: number;
  nextCountMs: number;
  /** A round with reads closed since the last count. */
  heardSinceCount: boolean;
}

export type OwnerState = PortalState | ShelfState;

export interface MutableStats {
  readsTotal: number;
  readsUnrouted: number;
  readsIgnoredWeak: number;
  readsIgnoredStray: number;
  readsIgnoredCrossRead: number;
  readsDroppedCapacity: number;
  tagsIgnoredStray: number;
  tagsIgnoredCrossRead: number;
  tagsUnknownDirection: number;
  passesClosed: number;
  passesDwellClosed: number;
  shelfRoundsClosed: number;
  shelfRoundsHeldSilent: number;
  shelfCountsSkippedSilent: number;
  shelfCountsSkippedOversize: number;
  eventsEmitted: number;
  diagnosticsDropped: number;
  beamChanges: number;
  beamChangesUnrouted: number;
  beamsStuck: number;
  passesDecidedByBeams: number;
}

export function emptyStats(): MutableStats {
  return {
    readsTotal: 0,
    readsUnrouted: 0,
    readsIgnoredWeak: 0,
    readsIgnoredStray: 0,
    readsIgnoredCrossRead: 0,
    readsDroppedCapacity: 0,
    tagsIgnoredStray: 0,
    tagsIgnoredCrossRead: 0,
    tagsUnknownDirection: 0,
    passesClosed: 0,
    passesDwellClosed: 0,
    shelfRoundsClosed: 0,
    shelfRoundsHeldSilent: 0,
    shelfCountsSkippedSilent: 0,
    shelfCountsSkippedOversize: 0,
    eventsEmitted: 0,
    diagnosticsDropped: 0,
    beamChanges: 0,
    beamChangesUnrouted: 0,
    beamsStuck: 0,
    passesDecidedByBeams: 0,
  };
}

/**
 * Why a pass (or part of it) produced no movement: direction unknown, several
 * pallets at once. Kept for people and replay (`--diagnostics`), never sent as EPCIS.
 */
export interface PassDiagnostic {
  kind: 'direction_unknown' | 'pallets_ambiguous';
  portal: string;
  pass: string;
  time: string;
  tags: number;
  epcs: string[];
  detail: string;
}

export interface EngineState {
  records: RecordStore;
  tags: TagTable;
  stats: MutableStats;
  diagnostics: PassDiagnostic[];
  diagnosticsMax: number;
  timeZoneOffset: string;
  evidenceTagsMax: number;
}
