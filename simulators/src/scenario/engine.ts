import { raise } from '../../../shared/src/errors.js';
import { encodeSgtin96, encodeSscc96 } from '../epc-encode.js';
import { SimulatorErrors } from '../errors.js';
import { deriveSeed, mulberry32, type Random } from '../prng.js';
import { PhysicalWorld, type PhysicalEvent } from './physical.js';
import { Retagging } from './retagging.js';
import type { DoorSpec, PopulationSpec, Scenario, ShelfSpec, SimulatedReaderSpec } from './schema.js';

/**
 * The deterministic scenario engine: a pure function from (scenario, seed, loop
 * index) to the raw reads every simulated reader would report and the movements a
 * correct gateway must derive from them. No clock, no I/O: players (the simulated
 * driver, the protocol servers, the JSONL writer) schedule the reads themselves.
 */

export interface SimulatedRead {
  /** Milliseconds since the start of this loop. */
  offsetMs: number;
  readerId: string;
  antenna: number;
  /** EPC hex (96 bits, upper case). */
  epc: string;
  rssiDbm: number;
}

export interface SimulatedTag {
  epc: string;
  uri: string;
  gtin: string | null;
  populationId: string;
  role: 'pallet' | 'case' | 'item';
}

export type ExpectedMovement =
  | {
      kind: 'portal';
      direction: 'inbound' | 'outbound';
      bizStep: 'receiving' | 'shipping';
      doorId: string;
      readerId: string;
      startMs: number;
      endMs: number;
      /** The pallet's SSCC (AggregationEvent parent), null for loose cases. */
      parentEpc: string | null;
      parentUri: string | null;
      epcs: string[];
      uris: string[];
    }
  | {
      kind: 'shelf';
      bizStep: 'stocking' | 'removing';
      shelfId: string;
      readerId: string;
      atMs: number;
      epcs: string[];
      uris: string[];
    };

export interface ReaderOutage {
  readerId: string;
  fromMs: number;
  toMs: number;
}

export interface ScenarioRun {
  scenario: string;
  seed: number;
  loopIndex: number;
  durationMs: number;
  /** Sorted by offsetMs (stable). */
  reads: SimulatedRead[];
  expected: ExpectedMovement[];
  outages: ReaderOutage[];
  tags: SimulatedTag[];
  /** Physical events no fixed reader witnesses (thefts, damage, misplacements, short-shipments, payments, returns, unpacking). */
  physical: PhysicalEvent[];
  /** URIs of the tags that never answer (a till falls back to the barcode, a handheld misses them). */
  unreadable: string[];
  /** Dead tags replaced at receiving (scenario/retagging.ts): URI and the offset from which they answer. */
  retagged: Array<{ uri: string; atMs: number }>;
}

export interface GenerateOptions {
  seed?: number;
  loopIndex?: number;
  /** Safety limit: a scenario producing more reads than this is rejected instead of exhausting memory. */
  readsMax?: number;
}

export const READS_MAX_DEFAULT = 2_000_000;

// Radio model constants (why these values: typical 6 dBi portal antennas at ~30 dBm,
// backscatter path loss ~40·log10(d), door frames shielding the far side by ~12 dB).
const RSSI_AT_ONE_METRE_DBM = -42;
const PATH_LOSS_EXPONENT_DB = 40;
const FAR_SIDE_SHIELDING_DB = 12;
const RSSI_NOISE_DBM = 1.5;
const ANTENNA_OFFSET_FROM_DOOR_M = 1;
const ANTENNA_LATERAL_M = 1.2;
const PASS_HALF_LENGTH_M = 3;
const READ_PROBABILITY_PEAK = 0.9;
const STRAY_RSSI_DBM = -76;
const SHELF_RSSI_DBM = -55;
const SHELF_SIDE_LOBE_PROBABILITY = 0.1;
const SHELF_SIDE_LOBE_RSSI_DBM = -68;

/** Stands in for a read of an EPC no population holds (never happens; keeps the filter total). */
const UNKNOWN_TAG: SimulatedTag = { epc: '', uri: '', gtin: null, populationId: '', role: 'pallet' };

interface MaterialisedPopulation {
  id: string;
  pallet: SimulatedTag | null;
  members: SimulatedTag[];
  /** Case EPC hex → the tagged items packed in it (case lines with `contains`). */
  contents: Map<string, SimulatedTag[]>;
}

/** A clerk opens one case after another: the time from one case's unpacking to the next. */
export const UNPACK_CASE_MS = 30_000;

/**
 * The population's things in one round of the timeline (`round` = loop × days + day): fresh serials per
 * round, continuing where the previous one stopped; with several days the tags carry `@<day>` in their
 * population id so the same population on two days is two physical pallets.
 */
function materialisePopulation(population: PopulationSpec, round: number, day: number | null): MaterialisedPopulation {
  const lines = population.kind === 'pallet' ? population.cases : population.items;
  const totalCount = lines.reduce((sum, line) => sum + line.count, 0);
  const populationId = day === null ? population.id : `${population.id}@${day}`;
  const role = population.kind === 'pallet' ? 'case' : 'item';
  let serial = population.serialStart + round * totalCount;
  const members: SimulatedTag[] = [];
  const contents = new Map<string, SimulatedTag[]>();
  // Packed items count their own serials (another GTIN than their case), continuing round after round too.
  const contentsPerRound = population.kind === 'pallet' ? packedItemCount(population.cases) : 0;
  let itemSerial = population.serialStart + round * contentsPerRound;
  for (const line of lines) {
    for (let index = 0; index < line.count; index++) {
      const tag = tagOf({ ...line, serial: serial++ }, populationId, role);
      members.push(tag);
      const packed = population.kind === 'pallet' ? (line as (typeof population.cases)[number]).contains : undefined;
      if (packed === undefined) continue;
      const items = Array.from({ length: packed.count }, () =>
        tagOf({ ...packed, serial: itemSerial++ }, populationId, 'item'),
      );
      contents.set(tag.epc, items);
    }
  }
  let pallet: SimulatedTag | null = null;
  if (population.kind === 'pallet') {
    const encoded = encodeSscc96({
      companyPrefix: population.sscc.companyPrefix,
      extensionDigit: population.sscc.extensionDigit,
      serial: population.sscc.serialStart + round,
    });
    pallet = { epc: encoded.hex, uri: encoded.uri, gtin: null, populationId, role: 'pallet' };
  }
  return { id: populationId, pallet, members, contents };
}

function packedItemCount(cases: ReadonlyArray<{ count: number; contains?: { count: number } | undefined }>): number {
  return cases.reduce((sum, line) => sum + line.count * (line.contains?.count ?? 0), 0);
}

function tagOf(
  line: { gtin: string; companyPrefixLength: number; serial: number; filter: number },
  populationId: string,
  role: SimulatedTag['role'],
): SimulatedTag {
  const encoded = encodeSgtin96(line);
  return { epc: encoded.hex, uri: encoded.uri, gtin: line.gtin, populationId, role };
}

/** Per-tag radio personality: where it sits on the pallet and how well it is oriented. */
interface TagPlacement {
  tag: SimulatedTag;
  lateralM: number;
  attenuationDb: number;
}

function byId<T extends { id: string }>(items: readonly T[], id: string, what: string, scenario: string): T {
  return items.find((item) => item.id === id) ?? raise(SimulatorErrors.SCENARIO_REFERENCE, { scenario, what, id });
}

/** All antenna ports a reader cycles through, in order (one slot per antenna per round). */
export function readerAntennas(scenario: Scenario, readerId: string): number[] {
  const ports = new Set<number>();
  for (const door of scenario.doors)
    if (door.reader === readerId)
      for (const port of [...door.antennas.outside, ...door.antennas.inside]) ports.add(port);
  for (const shelf of scenario.shelves)
    if (shelf.reader === readerId) for (const port of shelf.antennas) ports.add(port);
  if (ports.size === 0) ports.add(1);
  return [...ports].sort((a, b) => a - b);
}

/** Checks every cross-reference once, so generation never meets an unknown id. */
export function validateScenarioReferences(scenario: Scenario): void {
  const name = scenario.name;
  for (const door of scenario.doors) {
    byId(scenario.readers, door.reader, 'reader', name);
    for (const neighbour of door.neighbours) byId(scenario.doors, neighbour, 'neighbour door', name);
  }
  for (const shelf of scenario.shelves) byId(scenario.readers, shelf.reader, 'reader', name);
  for (const event of scenario.timeline) {
    if (event.kind === 'pallet-pass') {
      byId(scenario.doors, event.door, 'door', name);
      byId(scenario.populations, event.population, 'population', name);
    } else if (event.kind === 'shelf-stock') {
      byId(scenario.shelves, event.shelf, 'shelf', name);
      byId(scenario.populations, event.population, 'population', name);
    } else if (event.kind === 'shelf-take') byId(scenario.shelves, event.shelf, 'shelf', name);
    else if (event.kind === 'case-unpack') byId(scenario.populations, event.population, 'population', name);
    else byId(scenario.readers, event.reader, 'reader', name);
  }
}

class ReadCollector {
  readonly reads: SimulatedRead[] = [];
  constructor(
    private readonly readsMax: number,
    private readonly durationMs: number,
  ) {}

  add(read: SimulatedRead): void {
    if (read.offsetMs < 0 || read.offsetMs >= this.durationMs) return;
    if (this.reads.length >= this.readsMax) {
      throw new RangeError(`scenario produces more than readsMax=${this.readsMax} reads; shorten it or raise readsMax`);
    }
    this.reads.push(read);
  }
}

function slotTimes(
  reader: SimulatedReaderSpec,
  antennas: readonly number[],
  fromMs: number,
  toMs: number,
): Array<{ timeMs: number; antenna: number }> {
  const slotMs = reader.roundPeriodMs / antennas.length;
  const slots: Array<{ timeMs: number; antenna: number }> = [];
  for (let slot = Math.ceil(fromMs / slotMs); slot * slotMs < toMs; slot++) {
    slots.push({ timeMs: Math.round(slot * slotMs), antenna: antennas[slot % antennas.length] ?? 1 });
  }
  return slots;
}

function readProbability(rssiDbm: number, sensitivityDbm: number): number {
  if (rssiDbm < sensitivityDbm) return 0;
  // Logistic roll-off in the last ~6 dB above sensitivity: weak tags are read sometimes.
  return READ_PROBABILITY_PEAK / (1 + Math.exp(-(rssiDbm - (sensitivityDbm + 5)) / 1.5));
}

function roundRssi(rssiDbm: number): number {
  return Math.round(rssiDbm * 10) / 10;
}

function generatePass(
  collector: ReadCollector,
  random: Random,
  scenario: Scenario,
  door: DoorSpec,
  reader: SimulatedReaderSpec,
  placements: readonly TagPlacement[],
  startMs: number,
  passMs: number,
  direction: 'inbound' | 'outbound',
): void {
  const antennas = readerAntennas(scenario, reader.id);
  const slotMs = reader.roundPeriodMs / antennas.length;
  const outside = new Set(door.antennas.outside);
  const inside = new Set(door.antennas.inside);
  const neighbourAntennas = new Map<number, { reader: SimulatedReaderSpec }>();
  for (const neighbourId of door.neighbours) {
    const neighbour = scenario.doors.find((candidate) => candidate.id === neighbourId);
    if (!neighbour || neighbour.reader !== reader.id) continue;
    for (const port of [...neighbour.antennas.outside, ...neighbour.antennas.inside])
      neighbourAntennas.set(port, { reader });
  }
  for (const { timeMs, antenna } of slotTimes(reader, antennas, startMs, startMs + passMs)) {
    const progress = (timeMs - startMs) / passMs;
    // x < 0 is outside (yard), x > 0 inside; inbound pallets travel from −3 m to +3 m.
    const palletX = (direction === 'inbound' ? -1 : 1) * PASS_HALF_LENGTH_M * (1 - 2 * progress);
    const isOutside = outside.has(antenna);
    const isInside = inside.has(antenna);
    const isNeighbour = neighbourAntennas.has(antenna);
    for (const placement of placements) {
      if (isOutside || isInside) {
        const antennaX = isOutside ? -ANTENNA_OFFSET_FROM_DOOR_M : ANTENNA_OFFSET_FROM_DOOR_M;
        const distanceM = Math.hypot(palletX - antennaX, ANTENNA_LATERAL_M + placement.lateralM, 0.3);
        const farSide = isOutside ? palletX > 0 : palletX < 0;
        const rssiDbm =
          RSSI_AT_ONE_METRE_DBM -
          PATH_LOSS_EXPONENT_DB * Math.log10(Math.max(distanceM, 0.2)) -
          (farSide ? FAR_SIDE_SHIELDING_DB : 0) +
          placement.attenuationDb +
          random.gaussian(0, RSSI_NOISE_DBM);
        if (random.chance(readProbability(rssiDbm, reader.sensitivityDbm))) {
          collector.add({
            offsetMs: timeMs + random.int(0, Math.max(0, Math.floor(slotMs * 0.8))),
            readerId: reader.id,
            antenna,
            epc: placement.tag.epc,
            rssiDbm: roundRssi(rssiDbm),
          });
        }
      } else if (isNeighbour && Math.abs(palletX) < 1.5 && random.chance(door.strayReadProbability)) {
        collector.add({
          offsetMs: timeMs + random.int(0, Math.max(0, Math.floor(slotMs * 0.8))),
          readerId: reader.id,
          antenna,
          epc: placement.tag.epc,
          rssiDbm: roundRssi(random.gaussian(STRAY_RSSI_DBM, 2)),
        });
      }
    }
  }
}

interface ShelfOccupancy {
  tag: SimulatedTag;
  fromMs: number;
  toMs: number;
  antennaIndex: number;
  attenuationDb: number;
}

function generateShelf(
  collector: ReadCollector,
  random: Random,
  scenario: Scenario,
  shelf: ShelfSpec,
  reader: SimulatedReaderSpec,
  occupancy: readonly ShelfOccupancy[],
  durationMs: number,
): void {
  const antennas = readerAntennas(scenario, reader.id);
  const slotMs = reader.roundPeriodMs / antennas.length;
  for (const { timeMs, antenna } of slotTimes(reader, antennas, 0, durationMs)) {
    const shelfIndex = shelf.antennas.indexOf(antenna);
    if (shelfIndex < 0) continue;
    for (const item of occupancy) {
      if (timeMs < item.fromMs || timeMs >= item.toMs) continue;
      const primary = item.antennaIndex % shelf.antennas.length === shelfIndex;
      const probability = primary ? shelf.readProbability : SHELF_SIDE_LOBE_PROBABILITY;
      if (!random.chance(probability)) continue;
      const rssiDbm =
        (primary ? SHELF_RSSI_DBM : SHELF_SIDE_LOBE_RSSI_DBM) + item.attenuationDb + random.gaussian(0, RSSI_NOISE_DBM);
      const offsetMs = timeMs + random.int(0, Math.max(0, Math.floor(slotMs * 0.8)));
      // A tag taken mid-slot is gone: never report it after its removal time.
      if (offsetMs >= item.toMs) continue;
      collector.add({ offsetMs, readerId: reader.id, antenna, epc: item.tag.epc, rssiDbm: roundRssi(rssiDbm) });
    }
  }
}

export function generateScenarioRun(scenario: Scenario, options: GenerateOptions = {}): ScenarioRun {
  validateScenarioReferences(scenario);
  const run = new RunInProgress(scenario, options);
  for (const { event, populations, offsetMs } of run.timeline()) {
    const atMs = offsetMs + Math.round(event.atSeconds * 1000);
    if (event.kind === 'pallet-pass') run.palletPass(event, populations, atMs);
    else if (event.kind === 'shelf-stock') run.shelfStock(event, populations, atMs);
    else if (event.kind === 'shelf-take') run.shelfTake(event, atMs);
    else if (event.kind === 'case-unpack') run.caseUnpack(event, populations, atMs);
    else
      run.outages.push({ readerId: event.reader, fromMs: atMs, toMs: atMs + Math.round(event.durationSeconds * 1000) });
  }
  run.shelfReads();
  return run.finish();
}

type TimelineEvent = Scenario['timeline'][number];
type EventOf<K extends TimelineEvent['kind']> = Extract<TimelineEvent, { kind: K }>;
type Populations = Map<string, MaterialisedPopulation>;

/** One loop of a scenario being generated: the physical world, the reads so far and what the gateway should emit. */
class RunInProgress {
  readonly seed: number;
  readonly loopIndex: number;
  readonly dayMs: number;
  readonly durationMs: number;
  readonly collector: ReadCollector;
  /** One map per day of the timeline; a one-day scenario keeps its population ids as they are. */
  readonly populationsByDay: Populations[];
  readonly expected: ExpectedMovement[] = [];
  readonly outages: ReaderOutage[] = [];
  readonly shelfOccupancy: Map<string, ShelfOccupancy[]>;
  readonly world: PhysicalWorld;
  readonly retagging: Retagging;
  private readonly placementRandom: Random;
  private readonly placements = new Map<string, TagPlacement>();
  private readonly takeRandom: Random;
  private readonly unpacked = new Set<string>();

  constructor(
    readonly scenario: Scenario,
    options: GenerateOptions,
  ) {
    this.seed = options.seed ?? scenario.seed;
    this.loopIndex = options.loopIndex ?? 0;
    this.dayMs = Math.round(scenario.durationSeconds * 1000);
    const days = scenario.days;
    this.durationMs = this.dayMs * days;
    this.collector = new ReadCollector(options.readsMax ?? READS_MAX_DEFAULT * days, this.durationMs);
    this.populationsByDay = Array.from(
      { length: days },
      (_, day) =>
        new Map(
          scenario.populations.map((population) => [
            population.id,
            materialisePopulation(population, this.loopIndex * days + day, days > 1 ? day : null),
          ]),
        ),
    );
    this.placementRandom = mulberry32(deriveSeed(this.seed, this.loopIndex, 'placement'));
    this.shelfOccupancy = new Map(scenario.shelves.map((shelf) => [shelf.id, []]));
    this.takeRandom = mulberry32(deriveSeed(this.seed, this.loopIndex, 'shelf-take'));
    this.world = new PhysicalWorld(scenario, this.seed, this.loopIndex);
    this.retagging = new Retagging(scenario, this.seed, this.loopIndex);
  }

  /** The day's timeline, once per day; shelves keep what is on them from one day to the next. */
  timeline(): Array<{ event: TimelineEvent; populations: Populations; offsetMs: number }> {
    const dayTimeline = [...this.scenario.timeline].sort((a, b) => a.atSeconds - b.atSeconds);
    return this.populationsByDay.flatMap((populations, day) =>
      dayTimeline.map((event) => ({ event, populations, offsetMs: day * this.dayMs })),
    );
  }

  private placementOf(tag: SimulatedTag): TagPlacement {
    let placement = this.placements.get(tag.epc);
    if (!placement) {
      placement = {
        tag,
        lateralM: this.placementRandom.next() * 0.8 - 0.4,
        attenuationDb: -Math.abs(this.placementRandom.gaussian(0, 3)),
      };
      this.placements.set(tag.epc, placement);
    }
    return placement;
  }

  /** A misplaced (or returned and restocked) item lies on that shelf from then on; its reader sees it arrive. */
  private placeOnShelf(shelfId: string, item: ShelfOccupancy, fromMs: number): void {
    const shelf = byId(this.scenario.shelves, shelfId, 'shelf', this.scenario.name);
    this.shelfOccupancy.get(shelfId)?.push({ ...item, fromMs, toMs: Number.POSITIVE_INFINITY });
    this.expectShelf(shelf, 'stocking', fromMs, [item.tag]);
  }

  private expectShelf(
    shelf: Scenario['shelves'][number],
    bizStep: 'stocking' | 'removing',
    atMs: number,
    tags: readonly SimulatedTag[],
  ): void {
    this.expected.push({
      kind: 'shelf',
      bizStep,
      shelfId: shelf.id,
      readerId: shelf.reader,
      atMs,
      epcs: tags.map((tag) => tag.epc),
      uris: tags.map((tag) => tag.uri),
    });
  }

  palletPass(event: EventOf<'pallet-pass'>, populations: Populations, atMs: number): void {
    const { scenario, world } = this;
    const door = byId(scenario.doors, event.door, 'door', scenario.name);
    const reader = byId(scenario.readers, door.reader, 'reader', scenario.name);
    const population = populations.get(event.population);
    if (!population) return;
    const members =
      event.direction === 'inbound' ? world.arriving(population.members, atMs) : world.present(population.members);
    const tags = population.pallet ? [population.pallet, ...members] : members;
    const passMs = Math.round(event.passSeconds * 1000);
    const random = mulberry32(deriveSeed(this.seed, this.loopIndex, 'pass', door.id, atMs));
    const placed = tags.map((tag) => this.placementOf(tag));
    generatePass(this.collector, random, scenario, door, reader, placed, atMs, passMs, event.direction);
    if (event.direction === 'inbound')
      this.retagging.atReceiving(members, atMs + passMs, (tag) => world.isUnreadable(tag));
    this.expected.push({
      kind: 'portal',
      direction: event.direction,
      bizStep: event.direction === 'inbound' ? 'receiving' : 'shipping',
      doorId: door.id,
      readerId: reader.id,
      startMs: atMs,
      endMs: atMs + passMs,
      parentEpc: population.pallet?.epc ?? null,
      parentUri: population.pallet?.uri ?? null,
      epcs: members.map((tag) => tag.epc),
      uris: members.map((tag) => tag.uri),
    });
  }

  shelfStock(event: EventOf<'shelf-stock'>, populations: Populations, atMs: number): void {
    const shelf = byId(this.scenario.shelves, event.shelf, 'shelf', this.scenario.name);
    const population = populations.get(event.population);
    const occupancy = this.shelfOccupancy.get(shelf.id);
    if (!population || !occupancy) return;
    // Opened cases went onto the shelf as their items; unopened ones as they are.
    const members = this.world
      .present(population.members)
      .flatMap((tag) => (this.unpacked.has(tag.epc) ? (population.contents.get(tag.epc) ?? []) : [tag]));
    members.forEach((tag, index) =>
      occupancy.push({
        tag,
        fromMs: atMs,
        toMs: Number.POSITIVE_INFINITY,
        antennaIndex: index,
        attenuationDb: this.placementOf(tag).attenuationDb,
      }),
    );
    this.expectShelf(shelf, 'stocking', atMs, members);
  }

  shelfTake(event: EventOf<'shelf-take'>, atMs: number): void {
    const shelf = byId(this.scenario.shelves, event.shelf, 'shelf', this.scenario.name);
    const occupancy = this.shelfOccupancy.get(shelf.id) ?? [];
    const overMs = Math.round(event.overSeconds * 1000);
    for (let taken = 0; taken < event.count; taken++) {
      const takeMs = atMs + (event.count > 1 ? Math.round((overMs * taken) / (event.count - 1)) : 0);
      const present = occupancy.filter((item) => item.fromMs <= takeMs && item.toMs === Number.POSITIVE_INFINITY);
      const chosen = present[this.takeRandom.int(0, present.length - 1)];
      if (!chosen) break; // shelf empty: a shopper cannot take what is not there.
      chosen.toMs = takeMs;
      this.expectShelf(shelf, 'removing', takeMs, [chosen.tag]);
      for (const placement of this.world.takeFate(chosen.tag, takeMs, shelf.id))
        this.placeOnShelf(placement.shelfId, chosen, placement.atMs);
    }
  }

  caseUnpack(event: EventOf<'case-unpack'>, populations: Populations, atMs: number): void {
    const population = populations.get(event.population);
    if (!population) return;
    let order = 0;
    for (const tag of this.world.present(population.members)) {
      const items = population.contents.get(tag.epc);
      if (!items || this.unpacked.has(tag.epc)) continue;
      this.unpacked.add(tag.epc);
      const openedMs = atMs + UNPACK_CASE_MS * order++;
      this.retagging.atUnpacking(items, openedMs, (item) => this.world.isUnreadable(item));
      this.world.unpack(tag, items, openedMs);
    }
  }

  /** Every shelf reader's rounds over the whole run, from what lay on its shelf when. */
  shelfReads(): void {
    for (const shelf of this.scenario.shelves) {
      const reader = byId(this.scenario.readers, shelf.reader, 'reader', this.scenario.name);
      const occupancy = this.shelfOccupancy.get(shelf.id) ?? [];
      if (occupancy.length === 0) continue;
      const random = mulberry32(deriveSeed(this.seed, this.loopIndex, 'shelf', shelf.id));
      generateShelf(this.collector, random, this.scenario, shelf, reader, occupancy, this.durationMs);
    }
  }

  finish(): ScenarioRun {
    const tags = this.populationsByDay
      .flatMap((populations) => [...populations.values()])
      .flatMap((population) => [
        ...(population.pallet ? [population.pallet] : []),
        ...population.members,
        ...[...population.contents.values()].flat(),
      ]);
    const tagsByEpc = new Map(tags.map((tag) => [tag.epc, tag]));
    // An unplugged reader reports nothing; the gateway must ride out the gap. A dead tag never answers (until re-tagged).
    const answers = (tag: SimulatedTag, offsetMs: number): boolean =>
      !this.world.isUnreadable(tag) || this.retagging.answersAt(tag, offsetMs);
    const offline = (read: SimulatedRead): boolean =>
      this.outages.some(
        (outage) => outage.readerId === read.readerId && read.offsetMs >= outage.fromMs && read.offsetMs < outage.toMs,
      );
    const reads = this.collector.reads
      .filter((read) => answers(tagsByEpc.get(read.epc) ?? UNKNOWN_TAG, read.offsetMs))
      .filter((read) => !offline(read))
      .map((read, order) => ({ read, order }))
      .sort((a, b) => a.read.offsetMs - b.read.offsetMs || a.order - b.order)
      .map(({ read }) => read);
    return {
      scenario: this.scenario.name,
      seed: this.seed,
      loopIndex: this.loopIndex,
      durationMs: this.durationMs,
      reads,
      expected: this.expected,
      outages: this.outages,
      tags,
      physical: this.world.events,
      unreadable: tags.filter((tag) => !answers(tag, Number.POSITIVE_INFINITY)).map((tag) => tag.uri),
      retagged: this.retagging.retagged().map(({ epc, atMs }) => ({ uri: tagsByEpc.get(epc)?.uri ?? epc, atMs })),
    };
  }
}
