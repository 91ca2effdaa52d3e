import { PosTransactionSchema, type PosTransaction } from '../../../shared/src/contracts/pos.js';
import { zoneLocation, type TruthRecord } from '../../../shared/src/contracts/truth.js';
import type { ObjectEvent } from '../../../shared/src/contracts/epcis.js';
import { deriveSeed, mulberry32, type Random } from '../prng.js';

/**
 * What happens in a store beside the fixed readers, derived from the physical truth: the tills
 * (every `pay` becomes a POS sale) and handheld sweeps of a zone (a count of the things really there). Pure: the pipeline feeds the results through the real cloud code.
 */

export const TILL_ID = 'till-1';
const HANDHELD_ID = 'handheld-1';

/**
 * Tags a till pad or a handheld does not read: URI → the instant from which they answer (a dead tag
 * re-tagged at receiving), `Infinity` for a tag that never does.
 */
export type SilentTags = ReadonlyMap<string, number>;

/** Whether a till pad or handheld gets no answer from `epc` at `timeMs`. */
export function silentAt(silent: SilentTags, epc: string, timeMs: number): boolean {
  const answersFromMs = silent.get(epc);
  return answersFromMs !== undefined && timeMs < answersFromMs;
}

export type StoreInput =
  { timeMs: number; kind: 'pos'; pos: PosTransaction } | { timeMs: number; kind: 'zone-count'; event: ObjectEvent };

/**
 * One till transaction per paid item. The till reads the item's tag (an RFID pad at the till);
 * a tag that never answers is scanned by its barcode instead, a GTIN line, as a cashier would. A share
 * of lines (`scanErrorShare`) is rung up as another product's barcode: a POS scan error.
 */
export interface TillOptions {
  site: string;
  unitPrice: string;
  /** Share of lines scanned as another product's barcode (scenario `rates.posScanErrorShareOfPays`). */
  scanErrorShare?: number;
  /** The products a wrong scan picks from, and the seed of that draw. */
  products?: readonly string[];
  seed?: number;
}

export function tillSales(truth: readonly TruthRecord[], silent: SilentTags, options: TillOptions): StoreInput[] {
  const { site, unitPrice } = options;
  const scanErrorShare = options.scanErrorShare ?? 0;
  const random = mulberry32(deriveSeed(options.seed ?? 0, 'pos-scan-error'));
  const sales: StoreInput[] = [];
  for (const record of truth) {
    if (record.event !== 'pay' || record.product === null) continue;
    const wrong =
      scanErrorShare > 0 && random.chance(scanErrorShare) ? otherProduct(record.product, options, random) : null;
    const line = wrong !== null ? { gtin: wrong, unitPrice } : tillLine(record, record.product, silent, unitPrice);
    const pos = PosTransactionSchema.parse({
      id: `s${sales.length + 1}`,
      kind: 'sale',
      site,
      till: TILL_ID,
      time: record.time,
      lines: [line],
      tender: [{ kind: 'card', amount: unitPrice }],
    });
    sales.push({ timeMs: Date.parse(record.time), kind: 'pos', pos });
  }
  return sales;
}

/**
 * What the till rings up for an item: its EPC from the RFID pad, or, when its tag does not answer then, its
 * barcode (a GTIN line, as a cashier would scan it).
 */
export function tillLine(
  record: TruthRecord,
  product: string,
  silent: SilentTags,
  unitPrice: string,
): { gtin: string; unitPrice: string } | { epc: string; unitPrice: string } {
  return silentAt(silent, record.epc, Date.parse(record.time))
    ? { gtin: product, unitPrice }
    : { epc: record.epc, unitPrice };
}

/** A look-alike: another product of the store, drawn at random (null when there is none). */
function otherProduct(product: string, options: TillOptions, random: Random): string | null {
  const others = (options.products ?? []).filter((candidate) => candidate !== product);
  return others.length === 0 ? null : (others[random.int(0, others.length - 1)] ?? null);
}

/**
 * A handheld sweep of one zone of the site (the sales floor, the backroom) every `intervalMs` from
 * `startMs` to `endMs` (inclusive): the readable things there at that instant, as a `cycle_counting`
 * ObjectEvent at the zone. Whatever the books hold there and the sweep does not find becomes shrink
 * (stolen on the sales floor; short-shipped but received on the ASN's word in the backroom).
 */
export function zoneCounts(
  truth: readonly TruthRecord[],
  silent: SilentTags,
  zone: { site: string; zone: string },
  window: { startMs: number; endMs: number; intervalMs: number },
): StoreInput[] {
  if (window.intervalMs <= 0) return [];
  const location = zoneLocation(zone.site, zone.zone);
  const where = new Map<string, string | null>();
  const counts: StoreInput[] = [];
  let next = 1;
  const emit = (timeMs: number): void => {
    const epcs = [...where]
      .filter(([epc, at]) => at === location && !silentAt(silent, epc, timeMs))
      .map(([epc]) => epc);
    counts.push({ timeMs, kind: 'zone-count', event: zoneCountEvent(location, zone.zone, timeMs, epcs.sort()) });
  };
  const countsMax = Math.floor((window.endMs - window.startMs) / window.intervalMs);
  for (const record of truth) {
    const timeMs = Date.parse(record.time);
    for (; next <= countsMax && window.startMs + next * window.intervalMs < timeMs; next++)
      emit(window.startMs + next * window.intervalMs);
    if (record.product !== null) where.set(record.epc, record.location);
  }
  for (; next <= countsMax; next++) emit(window.startMs + next * window.intervalMs);
  return counts;
}

function zoneCountEvent(location: string, zone: string, timeMs: number, epcs: string[]): ObjectEvent {
  const time = new Date(timeMs).toISOString();
  return {
    type: 'ObjectEvent',
    eventID: `${HANDHELD_ID}:${zone}-count:${time}`,
    eventTime: time,
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'cycle_counting',
    readPoint: { id: `${location}:${HANDHELD_ID}` },
    bizLocation: { id: location },
    epcList: epcs,
  } as ObjectEvent;
}
