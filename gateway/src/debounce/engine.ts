import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { formatIssues } from '../../../shared/src/zod-issues.js';
import { raise } from '../../../shared/src/errors.js';
import { emptyBeams, ingestPortalBeam, stuckBeams, type BeamFault, type BeamInput } from './beams.js';
import { DebounceConfigSchema, type DebounceConfig, type PortalConfig, type ShelfConfig } from './config.js';
import { DebounceErrors } from './errors.js';
import { sortEvents } from './events.js';
import { flushPortal, ingestPortalRead, tickPortal } from './portal.js';
import { RecordStore, SIDE_INSIDE, SIDE_OUTSIDE } from './records.js';
import { ingestShelfRead, releaseShelfSlot, requestShelfCount, tickShelf } from './shelf.js';
import {
  emptyStats,
  type EngineState,
  type MutableStats,
  type OwnerState,
  type PassDiagnostic,
  type PortalState,
  type ShelfState,
} from './state.js';
import { TagTable } from './tags.js';

/**
 * The debounce engine: raw reads in, EPCIS events out. A pure core: no I/O, no
 * timers, no wall clock; the caller passes `nowMs` (the daemon from its Clock,
 * replay from the read times), so the same reads always give the same events.
 */
export interface DebounceEngine {
  /** Records one read. Decisions happen in tick(), so this returns [] today; callers must still publish what it returns. */
  ingest(read: RawRead, nowMs: number): EpcisEvent[];
  /** Records one photo-eye change (a reader's GPI event); beams not bound to a portal are counted and ignored. */
  ingestBeam(beam: BeamInput, nowMs: number): void;
  /** Beams broken longer than their portal's beamStuckMs: reader faults for the status. */
  beamFaults(): BeamFault[];
  /** Call every tickIntervalMs: closes quiet passes, shelf rounds and counts. */
  tick(nowMs: number): EpcisEvent[];
  /** Shutdown: decides every pass in progress now, so nothing is lost. */
  flush(nowMs: number): EpcisEvent[];
  /** SIGHUP: new parameters; passes, parked tags and shelf presence of unchanged ids are kept. */
  reconfigure(config: DebounceConfig): void;
  stats(): DebounceStats;
  /** Diagnostics collected since the last call (unknown direction, ambiguous pallets); bounded by diagnosticsMax. */
  drainDiagnostics(): PassDiagnostic[];
  /** The shelf's next `cycle_counting` snapshot at the next round close instead of its schedule; false for an unknown shelf. */
  requestCount(shelfId: string): boolean;
}

/** Live sizes computed on demand, plus the counters the engine keeps (see MutableStats). */
export interface DebounceStats extends MutableStats {
  liveTags: number;
  passesOpen: number;
  passTags: number;
  parkedTags: number;
  shelfTagsPresent: number;
}

export interface EngineIdentity {
  siteId: string;
  gatewayId: string;
  /** Overrides debounce.timeZoneOffset for eventTimeZoneOffset. */
  timeZoneOffset?: string;
}

export type { PassDiagnostic } from './state.js';
export type { BeamFault, BeamInput } from './beams.js';

/** Frozen: a caller pushing into the shared empty result would corrupt every later call. */
const NO_EVENTS = Object.freeze([]) as unknown as EpcisEvent[];
/** Antenna ports per reader in the routing table (RawRead.antenna is 0-255). */
const ANTENNA_PORTS = 256;
/** Records per live tag: a tag can sit in a portal pass and a neighbour's at once. */
const RECORDS_PER_TAG = 2;

export function createDebounceEngine(config: DebounceConfig, identity: EngineIdentity): DebounceEngine {
  return new Engine(validated(config), identity);
}

function validated(config: DebounceConfig): DebounceConfig {
  const result = DebounceConfigSchema.safeParse(config);
  if (!result.success) return raise(DebounceErrors.CONFIG_INVALID, { issues: formatIssues(result.error.issues) });
  return result.data;
}

class Engine implements DebounceEngine {
  private readonly state: EngineState;
  private owners: OwnerState[] = [];
  private portals: PortalState[] = [];
  private shelves: ShelfState[] = [];
  private readerIndexById = new Map<string, number>();
  /** readerIndex × 256 + antenna → ownerIndex × 2 + side, or -1. */
  private routes = new Int32Array(0);
  /** `<reader>/<GPI port>` → portal and side. */
  private beamRoutes = new Map<string, { portal: PortalState; side: number; brokenWhenHigh: boolean }>();
  /** Events decided outside tick() (owners removed by reconfigure), handed out by the next tick. */
  private pending: EpcisEvent[] = [];
  private lastNowMs = 0;

  constructor(
    config: DebounceConfig,
    private readonly identity: EngineIdentity,
  ) {
    this.state = {
      records: new RecordStore(config.liveTagsMax * RECORDS_PER_TAG),
      tags: new TagTable(config.liveTagsMax, config.tagMap),
      stats: emptyStats(),
      diagnostics: [],
      diagnosticsMax: config.diagnosticsMax,
      timeZoneOffset: identity.timeZoneOffset ?? config.timeZoneOffset,
      evidenceTagsMax: config.evidenceTagsMax,
    };
    this.apply(config);
  }

  ingest(read: RawRead, nowMs: number): EpcisEvent[] {
    const state = this.state;
    state.stats.readsTotal++;
    const readerIndex = this.readerIndexById.get(read.reader);
    const route =
      readerIndex === undefined || read.antenna < 0 || read.antenna >= ANTENNA_PORTS
        ? -1
        : (this.routes[readerIndex * ANTENNA_PORTS + read.antenna] ?? -1);
    if (route < 0 || !Number.isFinite(read.time) || !Number.isFinite(read.rssi)) {
      state.stats.readsUnrouted++;
      return NO_EVENTS;
    }
    let tagId = state.tags.lookup(read.epc);
    if (tagId < 0) {
      const hex = read.epc.toUpperCase();
      tagId = hex === read.epc ? -1 : state.tags.lookup(hex);
      if (tagId < 0) tagId = state.tags.intern(hex);
      if (tagId < 0) {
        state.stats.readsDroppedCapacity++;
        return NO_EVENTS;
      }
    }
    const owner = this.owners[route >> 1] as OwnerState;
    if (owner.kind === 'portal') ingestPortalRead(state, owner, tagId, route & 1, read.time, read.rssi, nowMs);
    else ingestShelfRead(state, owner, tagId, read.time, read.rssi, nowMs);
    if (nowMs > this.lastNowMs) this.lastNowMs = nowMs;
    return NO_EVENTS;
  }

  ingestBeam(beam: BeamInput, nowMs: number): void {
    const route = this.beamRoutes.get(`${beam.reader}/${beam.port}`);
    if (route === undefined || !Number.isFinite(beam.time)) {
      this.state.stats.beamChangesUnrouted++;
      return;
    }
    ingestPortalBeam(this.state, route.portal, route.side, beam.state === route.brokenWhenHigh, beam.time);
    if (nowMs > this.lastNowMs) this.lastNowMs = nowMs;
  }

  beamFaults(): BeamFault[] {
    return this.portals.flatMap(stuckBeams);
  }

  tick(nowMs: number): EpcisEvent[] {
    this.lastNowMs = Math.max(this.lastNowMs, nowMs);
    const out = this.pending;
    this.pending = [];
    for (const portal of this.portals) tickPortal(this.state, portal, nowMs, out);
    for (const shelf of this.shelves) tickShelf(this.state, shelf, nowMs, out);
    return sortEvents(out);
  }

  flush(nowMs: number): EpcisEvent[] {
    const out = this.tick(nowMs);
    for (const portal of this.portals) flushPortal(this.state, portal, nowMs, out);
    return sortEvents(out);
  }

  reconfigure(config: DebounceConfig): void {
    const next = validated(config);
    this.state.diagnosticsMax = next.diagnosticsMax;
    this.state.evidenceTagsMax = next.evidenceTagsMax;
    this.state.timeZoneOffset = this.identity.timeZoneOffset ?? next.timeZoneOffset;
    this.state.tags.liveTagsMax = next.liveTagsMax;
    // Lowering the limits never evicts: new tags are refused until enough leave.
    this.state.records.slotsMax = next.liveTagsMax * RECORDS_PER_TAG;
    this.state.tags.setTagMap(next.tagMap);
    this.apply(next);
  }

  stats(): DebounceStats {
    let passesOpen = 0;
    let passTags = 0;
    let parkedTags = 0;
    let shelfTagsPresent = 0;
    for (const portal of this.portals) {
      if (portal.pass.length > 0) passesOpen++;
      passTags += portal.pass.length;
      parkedTags += portal.parked.length;
    }
    for (const shelf of this.shelves) shelfTagsPresent += shelf.presentCount;
    return { liveTags: this.state.tags.size, passesOpen, passTags, parkedTags, shelfTagsPresent, ...this.state.stats };
  }

  requestCount(shelfId: string): boolean {
    const shelf = this.shelves.find((candidate) => candidate.id === shelfId);
    if (shelf === undefined) return false;
    requestShelfCount(shelf);
    return true;
  }

  drainDiagnostics(): PassDiagnostic[] {
    const drained = this.state.diagnostics;
    this.state.diagnostics = [];
    return drained;
  }

  /** (Re)builds owners and antenna routes; owners whose id survives keep their state. */
  private apply(config: DebounceConfig): void {
    const previous = new Map(
      this.owners.filter((owner) => owner.active).map((owner) => [`${owner.kind}:${owner.id}`, owner]),
    );
    const portals: PortalState[] = [];
    const shelves: ShelfState[] = [];
    for (const portalConfig of config.portals) {
      const kept = previous.get(`portal:${portalConfig.id}`);
      previous.delete(`portal:${portalConfig.id}`);
      portals.push(
        kept?.kind === 'portal' ? Object.assign(kept, this.portalSettings(portalConfig)) : this.newPortal(portalConfig),
      );
    }
    for (const shelfConfig of config.shelves) {
      const kept = previous.get(`shelf:${shelfConfig.id}`);
      previous.delete(`shelf:${shelfConfig.id}`);
      shelves.push(kept?.kind === 'shelf' ? this.updateShelf(kept, shelfConfig) : this.newShelf(shelfConfig));
    }
    // Owners no longer configured: decide their passes now, forget their tags.
    for (const removed of previous.values()) {
      if (removed.kind === 'portal') flushPortal(this.state, removed, this.lastNowMs, this.pending);
      else for (const slot of [...removed.slots]) releaseShelfSlot(this.state, removed, slot);
      removed.active = false;
    }
    const byId = new Map(portals.map((portal) => [portal.id, portal]));
    for (const portal of portals) portal.neighbours = [];
    // Neighbourhood is symmetric: a cross-read is settled from whichever side closes first.
    for (const portal of portals) {
      for (const neighbourId of portal.config.neighbours) {
        const neighbour = byId.get(neighbourId);
        if (neighbour === undefined) continue;
        if (!portal.neighbours.includes(neighbour)) portal.neighbours.push(neighbour);
        if (!neighbour.neighbours.includes(portal)) neighbour.neighbours.push(portal);
      }
    }
    for (const portal of portals) portal.neighbours.sort((a, b) => a.index - b.index);
    this.portals = portals;
    this.shelves = shelves;
    this.buildRoutes(config);
  }

  private portalSettings(portalConfig: PortalConfig): Pick<PortalState, 'config' | 'readPoint'> {
    return {
      config: portalConfig,
      readPoint: portalConfig.readPoint ?? `urn:stockwire:loc:${this.identity.siteId}:${portalConfig.id}`,
    };
  }

  private newPortal(portalConfig: PortalConfig): PortalState {
    const portal: PortalState = {
      kind: 'portal',
      index: this.owners.length,
      id: portalConfig.id,
      ...this.portalSettings(portalConfig),
      active: true,
      pass: [],
      passFirstMs: Infinity,
      passLastMs: -Infinity,
      parked: [],
      slotsByTag: new Map(),
      neighbours: [],
      beams: emptyBeams(),
    };
    this.owners.push(portal);
    return portal;
  }

  private newShelf(shelfConfig: ShelfConfig): ShelfState {
    const shelf: ShelfState = {
      kind: 'shelf',
      index: this.owners.length,
      id: shelfConfig.id,
      config: shelfConfig,
      readPoint: shelfConfig.readPoint ?? shelfConfig.location,
      active: true,
      slots: [],
      slotsByTag: new Map(),
      openRound: -1,
      pendingRoundReads: 0,
      roundsClosed: 0,
      silentRounds: 0,
      presentCount: 0,
      nextCountMs: -1,
      heardSinceCount: false,
    };
    this.owners.push(shelf);
    return shelf;
  }

  private updateShelf(shelf: ShelfState, shelfConfig: ShelfConfig): ShelfState {
    const roundChanged = shelf.config.roundMs !== shelfConfig.roundMs;
    const countChanged = shelf.config.countIntervalMs !== shelfConfig.countIntervalMs;
    shelf.config = shelfConfig;
    shelf.readPoint = shelfConfig.readPoint ?? shelfConfig.location;
    if (roundChanged) {
      // Round numbers mean something else now: restart the round grid, keep presence.
      shelf.openRound = -1;
      shelf.pendingRoundReads = 0;
      for (const slot of shelf.slots) this.state.records.pendingRounds[slot] = 0;
    }
    if (countChanged) shelf.nextCountMs = -1;
    return shelf;
  }

  private buildRoutes(config: DebounceConfig): void {
    const readerIds = new Set<string>();
    for (const owner of [...config.portals, ...config.shelves])
      for (const binding of owner.antennas) readerIds.add(binding.reader);
    this.readerIndexById = new Map([...readerIds].sort().map((readerId, index) => [readerId, index]));
    this.routes = new Int32Array(this.readerIndexById.size * ANTENNA_PORTS).fill(-1);
    for (const portal of this.portals) {
      for (const binding of portal.config.antennas) {
        const readerIndex = this.readerIndexById.get(binding.reader) ?? 0;
        this.routes[readerIndex * ANTENNA_PORTS + binding.antenna] =
          portal.index * 2 + (binding.side === 'inside' ? SIDE_INSIDE : SIDE_OUTSIDE);
      }
    }
    this.beamRoutes = new Map();
    for (const portal of this.portals) {
      const beams = portal.config.beams;
      if (!beams) continue;
      for (const [beam, side] of [
        [beams.outside, SIDE_OUTSIDE],
        [beams.inside, SIDE_INSIDE],
      ] as const)
        this.beamRoutes.set(`${beam.reader}/${beam.port}`, {
          portal,
          side,
          brokenWhenHigh: beam.brokenWhen === 'high',
        });
    }
    for (const shelf of this.shelves) {
      for (const binding of shelf.config.antennas) {
        const readerIndex = this.readerIndexById.get(binding.reader) ?? 0;
        this.routes[readerIndex * ANTENNA_PORTS + binding.antenna] = shelf.index * 2;
      }
    }
  }
}
