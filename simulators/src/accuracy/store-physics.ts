import { PosTransactionSchema } from '../../../shared/src/contracts/pos.js';
import { zoneLocation, type TruthRecord } from '../../../shared/src/contracts/truth.js';
import type { AggregationEvent, ObjectEvent } from '../../../shared/src/contracts/epcis.js';
import type { Unpacking } from '../scenario/unpacks.js';
import type { Scenario } from '../scenario/schema.js';
import { RETURN_ZONE, UNPACK_ZONE } from '../scenario/physical.js';
import type { FeedInput } from './feed.js';
import { silentAt, tillLine, TILL_ID, type SilentTags } from './store-ops.js';

/**
 * What a store's associates record about damage, returns and unpacking, derived from the physical truth
 * (pure; the pipeline feeds the results through the real cloud code):
 * - a customer return at the till: a POS `return` of the item (its tag read, a barcode if it never
 *   answers) naming the sale it was bought in, the item going to the backroom's returns tote;
 * - a damaged item pulled off the floor: a handheld write-off, an ObjectEvent `destroying` / `damaged`;
 * - a case opened in the backroom: the clerk's handheld reads the case tag and the items that come out,
 *   an AggregationEvent DELETE, bizStep `unpacking` (GS1 CBV), case → items.
 */

const HANDHELD_ID = 'handheld-2';

export interface ReturnOptions {
  site: string;
  unitPrice: string;
  /** Zone the returned item goes to (the returns tote in the backroom). */
  zone: string;
}

/**
 * One POS return per `return` in the truth, naming the sale the item was paid in. The sales are the
 * till's (store-ops.ts `tillSales`): one per `pay` with a product, numbered `s1`, `s2`, … in truth order.
 */
export function tillReturns(
  truth: readonly TruthRecord[],
  unreadable: SilentTags,
  options: ReturnOptions,
): FeedInput[] {
  const saleOf = new Map<string, string>();
  const returns: FeedInput[] = [];
  let sales = 0;
  for (const record of truth) {
    if (record.product === null) continue;
    // An item can be sold, returned, restocked and sold again: the latest sale is the one returned.
    if (record.event === 'pay') saleOf.set(record.epc, `s${++sales}`);
    if (record.event !== 'return') continue;
    const sale = saleOf.get(record.epc);
    const line = tillLine(record, record.product, unreadable, options.unitPrice);
    const pos = PosTransactionSchema.parse({
      id: `r${returns.length + 1}`,
      kind: 'return',
      site: options.site,
      till: TILL_ID,
      time: record.time,
      lines: [line],
      tender: [{ kind: 'card', amount: options.unitPrice }],
      location: zoneLocation(options.site, options.zone),
      ...(sale === undefined ? {} : { returnOf: { till: TILL_ID, id: sale } }),
    });
    returns.push({ timeMs: Date.parse(record.time), kind: 'pos', pos });
  }
  return returns;
}

/**
 * A handheld write-off per `damage` in the truth, `delayMs` after the associate pulled the item (scenario
 * `operations.writeOffDelaySeconds`): its EPC (a GTIN quantity when the tag never answers) at the shelf it
 * was last on.
 */
export function damageWriteOffs(
  truth: readonly TruthRecord[],
  unreadable: SilentTags,
  options: { site: string; delayMs: number },
): FeedInput[] {
  const { site, delayMs } = options;
  const lastShelf = new Map<string, string>();
  const writeOffs: FeedInput[] = [];
  for (const record of truth) {
    if (record.product === null) continue;
    if ((record.event === 'shelve' || record.event === 'misplace') && record.location !== null)
      lastShelf.set(record.epc, record.location);
    if (record.event !== 'damage') continue;
    const timeMs = Date.parse(record.time) + delayMs;
    const location = lastShelf.get(record.epc) ?? zoneLocation(site, 'sales-floor');
    const items = silentAt(unreadable, record.epc, timeMs)
      ? { epcList: [], quantityList: [{ epcClass: record.product, quantity: 1 }] }
      : { epcList: [record.epc] };
    writeOffs.push({ timeMs, kind: 'epcis', events: [handheldEvent('write-off', timeMs, location, items)] });
  }
  return writeOffs;
}

function handheldEvent(
  what: string,
  timeMs: number,
  location: string,
  items: { epcList: string[]; quantityList?: { epcClass: string; quantity: number }[] },
): ObjectEvent {
  const time = new Date(timeMs).toISOString();
  return {
    type: 'ObjectEvent',
    eventID: `${HANDHELD_ID}:${what}:${time}:${items.epcList[0] ?? items.quantityList?.[0]?.epcClass ?? ''}`,
    eventTime: time,
    eventTimeZoneOffset: '+00:00',
    action: 'DELETE',
    bizStep: 'destroying',
    disposition: 'damaged',
    readPoint: { id: `${location}:${HANDHELD_ID}` },
    bizLocation: { id: location },
    ...items,
  } as ObjectEvent;
}

/** The clerk's handheld as each case is opened: case tag → the items read coming out (dead tags are not). */
export function unpackEvents(
  unpacks: readonly Unpacking[],
  unreadable: SilentTags,
  options: { site: string; zone: string },
): FeedInput[] {
  const location = zoneLocation(options.site, options.zone);
  return unpacks
    .filter((unpacking) => !silentAt(unreadable, unpacking.caseUri, unpacking.timeMs))
    .map((unpacking) => {
      const time = new Date(unpacking.timeMs).toISOString();
      const event: AggregationEvent = {
        type: 'AggregationEvent',
        eventID: `${HANDHELD_ID}:unpack:${unpacking.caseUri}`,
        eventTime: time,
        eventTimeZoneOffset: '+00:00',
        action: 'DELETE',
        bizStep: 'unpacking',
        readPoint: { id: `${location}:${HANDHELD_ID}` },
        bizLocation: { id: location },
        parentID: unpacking.caseUri,
        childEPCs: unpacking.itemUris.filter((uri) => !silentAt(unreadable, uri, unpacking.timeMs)),
      } as AggregationEvent;
      return { timeMs: unpacking.timeMs, kind: 'epcis' as const, events: [event] };
    });
}

/** The pipeline's hook: the returns (with the tills), write-offs and unpack scans the scenario's `operations` ask for. */
export function associateRecords(
  generated: { truth: readonly TruthRecord[]; unpacks: readonly Unpacking[] },
  unreadable: SilentTags,
  context: { operations: Scenario['operations']; site: string; unitPrice: string },
): FeedInput[] {
  const { operations, site } = context;
  return [
    ...(operations.tills
      ? tillReturns(generated.truth, unreadable, { site, unitPrice: context.unitPrice, zone: RETURN_ZONE })
      : []),
    ...(operations.writeOffs
      ? damageWriteOffs(generated.truth, unreadable, {
          site,
          delayMs: Math.round(operations.writeOffDelaySeconds * 1000),
        })
      : []),
    ...(operations.unpackScans ? unpackEvents(generated.unpacks, unreadable, { site, zone: UNPACK_ZONE }) : []),
  ];
}

/** Catalog `contains` of every case GTIN that packs tagged items (a case line's `contains`). */
export function packContents(scenario: Scenario): { gtin: string; contains: { product: string; qty: string } }[] {
  return scenario.populations.flatMap((population) =>
    population.kind === 'pallet'
      ? population.cases.flatMap((line) =>
          line.contains === undefined
            ? []
            : [{ gtin: line.gtin, contains: { product: line.contains.gtin, qty: String(line.contains.count) } }],
        )
      : [],
  );
}
