import { zoneLocation, type TruthRecord } from '../../../shared/src/contracts/truth.js';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { DebounceConfigSchema, type DebounceConfig } from '../../../gateway/src/debounce/config.js';
import { createDebounceEngine } from '../../../gateway/src/debounce/engine.js';
import { runReads } from '../../../gateway/src/debounce/simulate.js';
import { bookEpcsAt, bookPositionsNow } from '../../../cloud/src/accuracy/book.js';
import { measureAccuracy, type AccuracyReport } from '../../../cloud/src/accuracy/compare.js';
import { buildCatalog } from '../../../cloud/src/ledger/catalog.js';
import { openLedgerStore } from '../../../cloud/src/store/open.js';
import { generateScenarioReads } from '../reads-jsonl.js';
import { feedStore, GATEWAY_ID, type FeedInput } from './feed.js';
import { tillSales, zoneCounts } from './store-ops.js';
import { openAsnReceiving } from './receiving.js';
import { openCountWire, type CountWireStats } from './count-digests.js';
import { associateRecords, packContents } from './store-physics.js';
import type { Unpacking } from '../scenario/unpacks.js';
import type { Scenario } from '../scenario/schema.js';
import { SITE_DEFAULT } from '../scenario/truth.js';

/**
 * The accuracy measurement end to end on a simulated clock (replay-style): the
 * scenario's reads go through the real gateway debounce engine, its EPCIS events
 * through the real cloud mapping into a real (in-memory SQLite) ledger, and the
 * books are then compared with the truth the scenario recorded.
 */

export interface PipelineOptions {
  seed?: number;
  loops?: number;
  startEpochMs: number;
  /** Switches a gateway mechanism off (the ablation) by editing the debounce configuration. */
  tune?: (config: DebounceConfig) => DebounceConfig;
  /** With ASNs: an ASN case the door did not read is received on the ASN's word (default true). */
  trustAsn?: boolean;
  /** Shelf counts as digests + changes (the gateway default, `counts.digests`); false: full EPC sets every count. */
  countDigests?: boolean;
  /** Overrides of the scenario's store operations (the ablation switches handheld sweeps off). */
  operations?: Partial<Scenario['operations']>;
}

export interface PipelineResult {
  report: AccuracyReport;
  truth: TruthRecord[];
  reads: number;
  events: number;
  transactions: number;
  skipped: number;
  /** Till transactions booked (sales) and handheld sweeps (sales floor, backroom) applied. */
  tillSales: number;
  handheldCounts: number;
  /** Transactions the ledger did not apply, with the reason (each one costs accuracy). */
  refused: string[];
  /** Dead-tag items re-tagged at receiving, and how many of them receiving listed as unread at the door. */
  retagged: { items: number; onExceptionList: number };
  /** Shelf counts on the wire: how many, their bytes, digests sent / confirmed / disagreeing. */
  countWire: CountWireStats;
}

const DOCUMENT_EVENTS_MAX = 100;
/** Standard cost of every product and the PO price of every case (value error then reads in units). */
const UNIT_COST = '1';

/** Debounce configuration for the scenario's doors and shelves, by the catalogue's location convention. */
export function debounceConfigFor(scenario: Scenario): DebounceConfig {
  const site = (explicit: string | undefined) => explicit ?? scenario.sites[0]?.id ?? SITE_DEFAULT;
  return DebounceConfigSchema.parse({
    portals: scenario.doors.map((door) => ({
      id: door.id,
      inboundLocation: zoneLocation(site(door.site), 'backroom'),
      outboundLocation: zoneLocation(site(door.site), 'in-transit'),
      antennas: [
        ...door.antennas.outside.map((antenna) => ({ reader: door.reader, antenna, side: 'outside' })),
        ...door.antennas.inside.map((antenna) => ({ reader: door.reader, antenna, side: 'inside' })),
      ],
      neighbours: door.neighbours,
    })),
    shelves: scenario.shelves.map((shelf) => ({
      id: shelf.id,
      location: zoneLocation(site(shelf.site), shelf.id),
      antennas: shelf.antennas.map((antenna) => ({ reader: shelf.reader, antenna })),
      countIntervalMs: 300_000,
      // A round is the reader's inventory cycle over all its antennas (the week's shelves read every 2 min).
      roundMs: scenario.readers.find((reader) => reader.id === shelf.reader)?.roundPeriodMs ?? 1_000,
    })),
  });
}

function catalogGtins(scenario: Scenario): Set<string> {
  return new Set([
    ...scenario.populations.flatMap((population) =>
      (population.kind === 'pallet' ? population.cases : population.items).map((line) => line.gtin),
    ),
    ...packContents(scenario).map((pack) => pack.contains.product),
  ]);
}

function catalogFor(scenario: Scenario) {
  const gtins = catalogGtins(scenario);
  // The catalog default: no negative stock. A till sale the books cannot cover (a dead-tag item sold by
  // barcode after a sweep booked it missing) is refused and reported, rather than driving a position below zero.
  const contents = new Map(packContents(scenario).map((pack) => [pack.gtin, pack.contains]));
  return buildCatalog({
    products: [...gtins].map((gtin) => ({
      gtin,
      valuation: 'fifo',
      allowNegative: false,
      standardCost: UNIT_COST,
      ...(contents.has(gtin) ? { contains: contents.get(gtin) } : {}),
    })),
  });
}

/** A gateway document: consecutive events of one instant (a pass's receipt and its aggregation travel together). */
function gatewayDocuments(events: readonly EpcisEvent[]): FeedInput[] {
  const documents: FeedInput[] = [];
  let current: EpcisEvent[] = [];
  for (const event of events) {
    const first = current[0];
    if (first && (first.eventTime !== event.eventTime || current.length >= DOCUMENT_EVENTS_MAX)) {
      documents.push({ timeMs: Date.parse(first.eventTime), kind: 'epcis', events: current });
      current = [];
    }
    current.push(event);
  }
  const first = current[0];
  if (first) documents.push({ timeMs: Date.parse(first.eventTime), kind: 'epcis', events: current });
  return documents;
}

/** The tills' sales and the handheld sweeps of the run, as the scenario's `operations` ask for them. */
function storeOperations(
  scenario: Scenario,
  generated: {
    truth: TruthRecord[];
    unreadable: string[];
    retagged: Array<{ uri: string; atMs: number }>;
    unpacks: Unpacking[];
  },
  context: PipelineOptions & { operations: Scenario['operations']; siteId: string; endMs: number },
): FeedInput[] {
  const { operations, siteId } = context;
  // What a till pad or a handheld cannot read: dead tags, and re-tagged ones until their new label.
  const unreadable = new Map<string, number>([
    ...generated.unreadable.map((uri) => [uri, Number.POSITIVE_INFINITY] as const),
    ...generated.retagged.map(({ uri, atMs }) => [uri, atMs] as const),
  ]);
  const packGtins = new Set(packContents(scenario).map((pack) => pack.gtin));
  const sweep = (zone: string, intervalSeconds: number) =>
    zoneCounts(
      generated.truth,
      unreadable,
      { site: siteId, zone },
      { startMs: context.startEpochMs, endMs: context.endMs, intervalMs: Math.round(intervalSeconds * 1000) },
    );
  const tills = operations.tills
    ? tillSales(generated.truth, unreadable, {
        site: siteId,
        unitPrice: operations.unitPrice,
        scanErrorShare: scenario.rates.posScanErrorShareOfPays,
        // A look-alike is another item on sale, never a case (packs are opened in the backroom, not sold).
        products: [...catalogGtins(scenario)].filter((gtin) => !packGtins.has(gtin)).sort(),
        seed: context.seed ?? scenario.seed,
      })
    : [];
  return [
    ...tills,
    ...sweep('sales-floor', operations.floorCountSeconds),
    ...sweep('backroom', operations.backroomCountSeconds),
    ...associateRecords(generated, unreadable, { operations, site: siteId, unitPrice: operations.unitPrice }),
  ];
}

export async function runAccuracyPipeline(scenario: Scenario, options: PipelineOptions): Promise<PipelineResult> {
  const generated = generateScenarioReads(scenario, {
    startEpochMs: options.startEpochMs,
    loops: options.loops ?? 1,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const config = options.tune ? options.tune(debounceConfigFor(scenario)) : debounceConfigFor(scenario);
  const siteId = scenario.sites[0]?.id ?? SITE_DEFAULT;
  const events: EpcisEvent[] = runReads(
    createDebounceEngine(config, { siteId, gatewayId: GATEWAY_ID }),
    config,
    generated.reads,
  );
  // The end of the run, whatever the gateway still emitted after it: every ablation row is measured at the
  // same instant (a run without shelf counts emits its last event earlier).
  const runEndMs =
    options.startEpochMs + (options.loops ?? 1) * scenario.days * Math.round(scenario.durationSeconds * 1000);
  const endMs = Math.max(
    runEndMs,
    generated.truth.reduce((latest, record) => Math.max(latest, Date.parse(record.time)), options.startEpochMs),
    ...events.map((event) => Date.parse(event.eventTime)),
  );
  const operations = { ...scenario.operations, ...options.operations };
  const inputs: FeedInput[] = [
    ...gatewayDocuments(events),
    ...storeOperations(scenario, generated, { ...options, operations, siteId, endMs }),
  ];
  const catalog = catalogFor(scenario);
  const store = await openLedgerStore({ kind: 'memory' }, catalog);
  const receiving = operations.asns
    ? await openAsnReceiving(generated.deliveries, {
        ledger: store,
        site: siteId,
        unitCost: UNIT_COST,
        trustAsn: options.trustAsn ?? true,
      })
    : undefined;
  try {
    const countWire = openCountWire({ digests: options.countDigests ?? true, store, siteId, gatewayId: GATEWAY_ID });
    const fed = await feedStore(inputs, {
      store,
      catalog,
      siteId,
      prepareDocument: receiving?.prepareDocument,
      countWire,
    });
    const report = measureAccuracy({
      truth: generated.truth,
      positions: await bookPositionsNow(store),
      epcs: await bookEpcsAt(store, generated.truth, endMs),
      atMs: endMs,
    });
    const unreadAtDoor = receiving?.unreadAtDoor() ?? new Set<string>();
    const retagged = {
      items: generated.retagged.length,
      onExceptionList: generated.retagged.filter(({ uri }) => unreadAtDoor.has(uri)).length,
    };
    return {
      report,
      truth: generated.truth,
      reads: generated.reads.length,
      events: events.length,
      retagged,
      countWire: countWire.stats(),
      ...fed,
    };
  } finally {
    await receiving?.close();
    await store.close();
  }
}
