import { z } from 'zod';
import { raise } from '../../../shared/src/errors.js';
import type { Catalog } from '../ledger/catalog.js';
import { contentHash } from './documents.js';
import { ReceivingErrors } from './errors.js';
import { AsnInputSchema, type Asn } from './schemas.js';
import type { ReceivingService } from './service.js';
import type { Created } from './documents.js';

/**
 * ASNs sent the GS1 way: the supplier's EPCIS events. A packing AggregationEvent (parentID = pallet
 * SSCC, childEPCs = its cases) is kept until the shipping ObjectEvent names the pallets, our site
 * (destinationList) and the PO (bizTransactionList type po); that makes the ASN, through the same
 * path as `POST /asns`. The MQTT path and the EPCIS capture interface both call applySupplierEvent.
 *
 * Only the fields an ASN needs are read; the capture path validates the whole event against the GS1
 * schema first, so other fields pass through unread here (hence not `.strict()`).
 */
const uri = z.string().min(1).max(512);
export const SupplierEventSchema = z
  .object({
    type: z.enum(['ObjectEvent', 'AggregationEvent']),
    eventID: z.string().min(1).max(256).optional(),
    eventTime: z.string().min(1).max(64),
    action: z.enum(['ADD', 'OBSERVE', 'DELETE']),
    bizStep: uri.optional(),
    parentID: uri.optional(),
    childEPCs: z.array(uri).max(5_000).optional(),
    epcList: z.array(uri).max(500).optional(),
    bizTransactionList: z
      .array(z.object({ type: uri.optional(), bizTransaction: uri }).passthrough())
      .max(16)
      .optional(),
    destinationList: z
      .array(z.object({ type: uri, destination: uri }).passthrough())
      .max(16)
      .optional(),
    sourceList: z
      .array(z.object({ type: uri, source: uri }).passthrough())
      .max(16)
      .optional(),
  })
  .passthrough();
export type SupplierEvent = z.output<typeof SupplierEventSchema>;

export type SupplierEventOutcome =
  | { kind: 'packing_recorded'; sscc: string; cases: number }
  | { kind: 'asn'; result: Created<Asn> }
  | { kind: 'ignored'; reason: string };

/** CBV 2.0 allows bare words, `urn:epcglobal:cbv:<vocab>:<word>` and `https://ref.gs1.org/cbv/<Vocab>-<word>`. */
export function cbvWord(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /(?:^|[:/-])([a-z_]+)$/.exec(value);
  return match?.[1];
}

export async function applySupplierEvent(
  service: ReceivingService,
  catalog: Catalog,
  raw: unknown,
): Promise<SupplierEventOutcome> {
  const parsed = SupplierEventSchema.safeParse(raw);
  const eventId = (raw as { eventID?: unknown } | null)?.eventID;
  if (!parsed.success)
    return raise(ReceivingErrors.SUPPLIER_EVENT_UNUSABLE, {
      eventId: typeof eventId === 'string' ? eventId : '(no id)',
      reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    });
  const event = parsed.data;
  const step = cbvWord(event.bizStep);
  if (event.type === 'AggregationEvent' && step === 'packing') return recordPacking(service, event);
  if (event.type === 'ObjectEvent' && step === 'shipping' && event.destinationList)
    return asnFromShipping(service, catalog, event);
  return { kind: 'ignored', reason: `not a packing AggregationEvent nor a shipping ObjectEvent with a destination` };
}

async function recordPacking(service: ReceivingService, event: SupplierEvent): Promise<SupplierEventOutcome> {
  const sscc = event.parentID;
  if (!sscc?.startsWith('urn:epc:id:sscc:') || !event.childEPCs?.length)
    return unusable(event, 'a packing event needs an SSCC parentID and childEPCs');
  const cases = [...new Set(event.childEPCs)];
  await service.queue.run(async () => {
    const current = await service.store.get('packing', sscc);
    await service.store.write([
      { kind: 'packing', id: sscc, body: { cases }, expectedVersion: current ? current.version : null },
    ]);
  });
  return { kind: 'packing_recorded', sscc, cases: cases.length };
}

async function asnFromShipping(
  service: ReceivingService,
  catalog: Catalog,
  event: SupplierEvent,
): Promise<SupplierEventOutcome> {
  const site = destinationSite(catalog, event.destinationList ?? []);
  if (!site)
    return unusable(
      event,
      'no destination names one of our sites (a urn:stockwire:loc:<site>:… or a catalog location)',
    );
  const poReference = (event.bizTransactionList ?? []).find((each) => cbvWord(each.type) === 'po')?.bizTransaction;
  if (!poReference) return unusable(event, 'no bizTransactionList entry of type po names the purchase order');
  const purchaseOrder = poReference.split(/[:/]/).at(-1) ?? poReference;
  const order = await service.purchaseOrder(purchaseOrder);
  if (!order) return raise(ReceivingErrors.UNKNOWN_PURCHASE_ORDER, { id: purchaseOrder });
  const ssccs = (event.epcList ?? []).filter((epc) => epc.startsWith('urn:epc:id:sscc:'));
  if (ssccs.length === 0) return unusable(event, 'the shipping event lists no pallet (SSCC) in epcList');
  const packings = await service.store.getMany('packing', ssccs);
  const missing = ssccs.filter((sscc) => !packings.some((doc) => doc.id === sscc));
  if (missing.length > 0)
    return unusable(event, `no packing event yet for pallet(s) ${missing.join(', ')}: send packing first`);
  const input = AsnInputSchema.parse({
    id: `epcis-${contentHash(event.eventID ?? event).slice(0, 24)}`,
    supplier: order.supplier,
    purchaseOrder,
    site,
    expectedAt: event.eventTime,
    pallets: ssccs.map((sscc) => ({
      sscc,
      cases: (packings.find((doc) => doc.id === sscc)?.body as { cases: string[] }).cases,
    })),
  });
  return { kind: 'asn', result: await service.createAsn(input, 'epcis') };
}

function destinationSite(
  catalog: Catalog,
  destinations: readonly { type: string; destination: string }[],
): string | undefined {
  for (const { destination } of destinations) {
    const known = catalog.locations.get(destination);
    if (known) return known.site;
    const match = /^urn:stockwire:loc:([a-z0-9-]+)(?::|$)/.exec(destination);
    if (match?.[1]) return match[1];
    if (catalog.sites.has(destination)) return destination;
  }
  return undefined;
}

function unusable(event: SupplierEvent, reason: string): never {
  return raise(ReceivingErrors.SUPPLIER_EVENT_UNUSABLE, { eventId: event.eventID ?? '(no id)', reason });
}
