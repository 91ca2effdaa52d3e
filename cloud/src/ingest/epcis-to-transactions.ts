import { formatIssues } from '../../../shared/src/zod-issues.js';
import { COUNT_DIGEST_EXTENSION, CountDigestSchema } from '../../../shared/src/contracts/count-digest.js';
import type { AggregationEvent, EpcisDocument, EpcisEvent, ObjectEvent } from '../../../shared/src/contracts/epcis.js';
import {
  emptyCatalog,
  siteDefaultLocation,
  siteInTransitLocation,
  siteSalesFloorLocation,
  type Catalog,
} from '../ledger/catalog.js';
import { gtinOfEpcClass, gtinOfEpcUrn } from '../ledger/epc-product.js';
import { TransactionSchema, type Transaction, type TransactionInput } from '../ledger/transactions.js';

/**
 * Pure mapping of an EPCIS document from a gateway to ledger transactions, one per
 * event, with the event's eventID as the transaction id (the idempotency key end
 * to end). bizStep decides the transaction:
 *
 * | bizStep          | transaction                                                            |
 * |------------------|------------------------------------------------------------------------|
 * | receiving        | receipt of the EPCs at bizLocation, product standard cost, `no_po_cost` |
 * | shipping         | transfer to the site's in-transit location (still our stock until the   |
 * |                  | receiving site reads it; a later receipt there moves it on)             |
 * | stocking         | transfer from the site's default (backroom) location to bizLocation;    |
 * |                  | EPCs the books have nowhere are registered there (`registerUnknownEpcs`) |
 * | removing         | transfer from bizLocation to the site's sales floor (until sold/counted) |
 * | cycle_counting   | count of the EPC set at bizLocation (absolute; fixes EPC state); a       |
 * |                  | digest count (`stockwire:countDigest`) books the set its caller resolved  |
 * |                  | from the books (count-digest.ts), or is deferred, never an empty count  |
 * | retail_selling   | sale of the EPCs                                                        |
 * | unpacking        | unpack of the packs (class quantityList) at bizLocation into their      |
 * |                  | contents (catalog `contains`), same value; EPC lists are skipped        |
 * | destroying       | write-off adjustment (reason from disposition: `damaged` → damage):     |
 * |                  | EPCs leave stock from where the books have them; a class qty leaves     |
 * |                  | bizLocation                                                             |
 *
 * The ledger moves each EPC from where it knows the EPC is, so `from` only matters
 * for EPCs it has not seen. AggregationEvents carry no quantity (pallet → cases) and
 * are skipped with that reason, except a case opened (action DELETE, bizStep unpacking,
 * an SGTIN parent): an unpack of that case (`mapAggregation`). Class-level quantities (quantityList) are booked
 * when the event carries exactly one class and no EPCs.
 */
export interface MappingSource {
  siteId: string;
  gatewayId: string;
  /** Declared cross-site in the cloud config: its transactions are not bound to its site (ledger/site-binding.ts). */
  crossSite?: boolean;
}

export interface MappingResult {
  transactions: Transaction[];
  skipped: { eventId: string; reason: string }[];
  /** Digest counts the books did not confirm: nothing booked, nothing dead-lettered (the cloud asks for the full set). */
  deferred: { eventId: string; reason: string }[];
}

/** eventID → the whole EPC set of each digest count the books confirmed (count-digest.ts). */
export type ResolvedCounts = ReadonlyMap<string, readonly string[]>;

export function mapEpcisDocument(
  document: EpcisDocument,
  source: MappingSource,
  catalog: Catalog = emptyCatalog(),
  resolvedCounts?: ResolvedCounts,
): MappingResult {
  const result: MappingResult = { transactions: [], skipped: [], deferred: [] };
  for (const event of document.epcisBody.eventList) {
    const mapped = mapEvent(event, source, catalog, resolvedCounts);
    if ('deferred' in mapped) {
      result.deferred.push({ eventId: event.eventID, reason: mapped.deferred });
      continue;
    }
    if ('reason' in mapped) {
      result.skipped.push({ eventId: event.eventID, reason: mapped.reason });
      continue;
    }
    const parsed = TransactionSchema.safeParse(mapped.transaction);
    if (parsed.success) result.transactions.push(parsed.data);
    else
      result.skipped.push({
        eventId: event.eventID,
        reason: `does not make a valid transaction:\n${formatIssues(parsed.error.issues)}`,
      });
  }
  return result;
}

type Mapped = { transaction: TransactionInput } | { reason: string } | { deferred: string };

function mapEvent(
  event: EpcisEvent,
  source: MappingSource,
  catalog: Catalog,
  resolvedCounts: ResolvedCounts | undefined,
): Mapped {
  if (event.type === 'AggregationEvent') return mapAggregation(event, source);
  const items = itemsOf(event);
  if ('reason' in items) return items;
  const common = commonOf(event, source);
  const location = event.bizLocation.id;
  switch (event.bizStep) {
    case 'receiving': {
      const poReference = event.bizTransactionList?.find((entry) => entry.type?.endsWith('po'))?.bizTransaction;
      return {
        transaction: {
          ...common,
          type: 'receipt',
          location,
          ...items,
          flags: ['no_po_cost'],
          ...(poReference ? { poReference: poReference.slice(0, 128) } : {}),
        },
      };
    }
    case 'shipping': {
      const inTransit = siteInTransitLocation(catalog, source.siteId);
      // A gateway portal names its outbound location (in transit) as bizLocation: the goods leave the
      // site's stock room, not in transit itself (a transfer onto itself is invalid and was dropped).
      const from = location === inTransit ? siteDefaultLocation(catalog, source.siteId) : location;
      return { transaction: { ...common, type: 'transfer', from, to: inTransit, ...items } };
    }
    case 'stocking':
      // The shelf reader sees the items there: ones the books never had are registered on the shelf.
      return transferOrReason(
        { ...common, registerUnknownEpcs: true },
        siteDefaultLocation(catalog, source.siteId),
        location,
        items,
      );
    case 'removing':
      // To the sales floor (in shoppers' hands until the POS sells them or a count finds them);
      // only EPCs still booked on this shelf: one seen stocking another shelf first stays there.
      return transferOrReason(
        { ...common, epcsOnlyFromSource: true },
        location,
        siteSalesFloorLocation(catalog, source.siteId),
        items,
      );
    case 'cycle_counting': {
      if (event[COUNT_DIGEST_EXTENSION] === undefined)
        return { transaction: { ...common, type: 'count', location, ...items } };
      // Its epcList is empty by design: booking it as it stands would count the shelf empty.
      const digest = CountDigestSchema.safeParse(event[COUNT_DIGEST_EXTENSION]);
      if (!digest.success || typeof event['stockwire:shelf'] !== 'string')
        return { reason: `malformed ${COUNT_DIGEST_EXTENSION} (or no stockwire:shelf)` };
      const epcs = resolvedCounts?.get(event.eventID);
      if (epcs === undefined) return { deferred: 'count digest not confirmed by the books; full set requested' };
      return { transaction: { ...common, type: 'count', location, epcs: [...epcs] } };
    }
    case 'retail_selling':
      return { transaction: { ...common, type: 'sale', location, ...items } };
    case 'unpacking':
      // Opened cases are counted by class (a quantityList); case tags are not tracked through unpacking.
      if ('epcs' in items) return { reason: 'unpacking is booked by class: send the opened packs as a quantityList' };
      return { transaction: { ...common, type: 'unpack', location, ...items } };
    case 'destroying': {
      // An associate writes damaged goods off; the disposition says why (CBV `damaged`, `destroyed`).
      const reason = writeOffReason(event.disposition);
      if ('epcs' in items) return { transaction: { ...common, type: 'adjustment', location, reason, ...items } };
      return {
        transaction: { ...common, type: 'adjustment', location, reason, product: items.product, qty: `-${items.qty}` },
      };
    }
  }
}

/** `damaged` (bare or as a CBV URI) → `damage`; any other disposition → `write_off`. */
function writeOffReason(disposition: string | undefined): string {
  const last = disposition?.split(/[:/]/).pop();
  return last === 'damaged' ? 'damage' : 'write_off';
}

function commonOf(event: EpcisEvent, source: MappingSource) {
  return {
    id: event.eventID,
    time: event.eventTime,
    site: source.siteId,
    source: {
      kind: 'rfid' as const,
      gatewayId: source.gatewayId,
      eventId: event.eventID,
      ...(source.crossSite === true ? { crossSite: true as const } : {}),
    },
  };
}

/**
 * A case opened (AggregationEvent DELETE, bizStep unpacking, the case's SGTIN as parent): an unpack of
 * that one pack at bizLocation into its catalog contents, at the same value, and the case tag retired.
 * The children read coming out are booked serialised at bizLocation (`contentEpcs`). Any other aggregation
 * (pallet → cases) carries no quantity and is skipped.
 */
function mapAggregation(event: AggregationEvent, source: MappingSource): Mapped {
  const pack = event.bizStep === 'unpacking' && event.action === 'DELETE' ? gtinOfEpcUrn(event.parentID) : undefined;
  if (pack === undefined)
    return {
      reason: `AggregationEvent (${event.parentID} → ${event.childEPCs.length} children) carries no quantity; the ledger books the items themselves`,
    };
  const location = event.bizLocation.id;
  return {
    transaction: {
      ...commonOf(event, source),
      type: 'unpack',
      product: pack,
      qty: '1',
      location,
      epcs: [event.parentID],
      ...(event.childEPCs.length > 0 ? { contentEpcs: [...new Set(event.childEPCs)] } : {}),
    },
  };
}

function transferOrReason(common: Record<string, unknown>, from: string, to: string, items: Items): Mapped {
  if (from === to) return { reason: `stocking/removing at the site's default location ${from} moves nothing` };
  return { transaction: { ...(common as { id: string }), type: 'transfer', from, to, ...items } };
}

type Items = { epcs: string[] } | { product: string; qty: string };

function itemsOf(event: ObjectEvent): Items | { reason: string } {
  const quantities = event.quantityList ?? [];
  if (event.epcList.length > 0 && quantities.length > 0)
    return { reason: 'event mixes EPCs and class-level quantities: send them as two events' };
  if (quantities.length > 1)
    return { reason: 'event carries several class-level quantities: send one event per product class' };
  const [element] = quantities;
  if (element) {
    const product = gtinOfEpcClass(element.epcClass);
    if (!product) return { reason: `epcClass ${element.epcClass} is not an SGTIN class pattern or GTIN` };
    if (!Number.isSafeInteger(element.quantity))
      return { reason: `quantity ${element.quantity} of ${element.epcClass} is not a whole number of items` };
    return { product, qty: String(element.quantity) };
  }
  if (event.epcList.length === 0 && event.bizStep !== 'cycle_counting')
    return { reason: 'event carries no EPCs and no quantities' };
  return { epcs: [...new Set(event.epcList)] };
}
