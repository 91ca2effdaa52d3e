import { raise } from '../../../shared/src/errors.js';
import { siteDefaultLocation, type Catalog } from '../ledger/catalog.js';
import { TransactionSchema, type Transaction } from '../ledger/transactions.js';
import { casesIn, setCaseStates, withStatus } from './asn.js';
import { read, update } from './documents.js';
import { ReceivingErrors } from './errors.js';
import { lineForGtin, recordBooking } from './purchase-orders.js';
import type { Asn, AsnResolution, PurchaseOrder, ResolutionInput } from './schemas.js';
import type { ReceivingService } from './service.js';

/**
 * A receiver settles an ASN's discrepancies, each resolution its own ledger transaction
 * (`resolution:<asn>:<id>`) where stock or books move:
 *
 * | kind              | cases                 | ledger                                             | case / PO             |
 * |-------------------|-----------------------|----------------------------------------------------|-----------------------|
 * | accept_short      | short (countReads)    | nothing was booked: none                            | claimed               |
 * | accept_short      | inferred (trustAsn)   | supplier_return of the EPCs (Dr GRNI / Cr Inventory) | claimed, PO line −qty |
 * | book_found        | short or claimed      | receipt at the PO line price                        | found, PO line +qty   |
 * | return_unexpected | unexpected, open      | supplier_return of the EPCs                         | returned              |
 * | keep_unexpected   | unexpected, open      | none (booked at arrival)                            | kept                  |
 */
export async function resolveAsn(
  service: ReceivingService,
  catalog: Catalog,
  asnId: string,
  input: ResolutionInput,
): Promise<Asn> {
  return service.queue.run(async () => {
    const current = await read<Asn>(service.store, 'asn', asnId);
    if (!current) return raise(ReceivingErrors.UNKNOWN_ASN, { id: asnId });
    const asn = current.body;
    const done = asn.resolutions.find((each) => each.id === input.id);
    if (done) return asn;
    const transactionId = `resolution:${asnId}:${input.id}`;
    const order = await read<PurchaseOrder>(service.store, 'purchase_order', asn.purchaseOrder);
    const location = input.location ?? siteDefaultLocation(catalog, asn.site);
    const plan = planResolution(asn, input, transactionId, location, order?.body);
    const results = plan.transaction ? await service.ledger.applyBatch([plan.transaction]) : [];
    const result = results[0];
    if (result && result.status !== 'applied' && result.status !== 'duplicate')
      return raise(ReceivingErrors.LEDGER_REJECTED, { id: transactionId, reason: result.reason ?? '' });
    const writes = [];
    if (order && result && plan.poGtin) {
      const line = lineForGtin(order.body, plan.poGtin);
      if (line)
        writes.push(
          update(
            'purchase_order',
            order.body.id,
            order,
            recordBooking(order.body, line.line, {
              transactionId,
              qty: result.qtyDelta,
              value: result.valueDelta,
            }),
          ),
        );
    }
    const resolution: AsnResolution = {
      id: input.id,
      kind: input.kind,
      epcs: plan.epcs,
      time: service.nowIso(),
      ...(plan.transaction ? { transactionId } : {}),
    };
    const body = withStatus({ ...plan.asn, resolutions: [...asn.resolutions, resolution] });
    writes.push(update('asn', asnId, current, body));
    if (!(await service.store.write(writes))) throw new Error(`ASN ${asnId} changed meanwhile: resend the resolution`);
    return body;
  });
}

interface ResolutionPlan {
  asn: Asn;
  epcs: string[];
  transaction?: Transaction;
  /** The GTIN whose PO line the transaction books against (one GTIN per resolution keeps it simple). */
  poGtin?: string;
}

function planResolution(
  asn: Asn,
  input: ResolutionInput,
  id: string,
  location: string,
  order: PurchaseOrder | undefined,
): ResolutionPlan {
  const base = { id, site: asn.site, source: { kind: 'api' as const } };
  if (input.kind === 'return_unexpected' || input.kind === 'keep_unexpected')
    return planUnexpected(asn, input, base, location);
  return planShort(asn, input, base, location, order);
}

type TransactionBase = { id: string; site: string; source: { kind: 'api' } };

/** return_unexpected / keep_unexpected: the open unexpected cases (or the listed ones). */
function planUnexpected(asn: Asn, input: ResolutionInput, base: TransactionBase, location: string): ResolutionPlan {
  const wanted = input.epcs === undefined ? undefined : new Set(input.epcs);
  const open = asn.unexpected.filter((each) => each.state === 'open' && (!wanted || wanted.has(each.epc)));
  if (open.length === 0)
    return raise(ReceivingErrors.NOTHING_TO_RESOLVE, { id: asn.id, state: 'open unexpected', detail: '' });
  const epcs = open.map((each) => each.epc);
  const receipts = new Set(open.map((each) => each.transactionId));
  const state = input.kind === 'return_unexpected' ? 'returned' : 'kept';
  const unexpected = asn.unexpected.map((each) =>
    epcs.includes(each.epc) ? { ...each, state: state as 'returned' | 'kept' } : each,
  );
  const transaction =
    input.kind === 'return_unexpected'
      ? TransactionSchema.parse({
          ...base,
          type: 'supplier_return',
          location: open[0]?.location ?? location,
          epcs,
          // Back at the cost they came in at: the unexpected receipt's layer, not the oldest one.
          ...(receipts.size === 1 ? { of: [...receipts][0] } : {}),
        })
      : undefined;
  return { asn: { ...asn, unexpected }, epcs, ...(transaction ? { transaction } : {}) };
}

/** accept_short (short or inferred cases) / book_found (short or claimed ones), one GTIN at a time. */
function planShort(
  asn: Asn,
  input: ResolutionInput,
  base: TransactionBase,
  location: string,
  order: PurchaseOrder | undefined,
): ResolutionPlan {
  const id = base.id;
  const states = input.kind === 'accept_short' ? (['short', 'inferred'] as const) : (['short', 'claimed'] as const);
  const cases = casesIn(asn, states, input.epcs);
  if (cases.length === 0)
    return raise(ReceivingErrors.NOTHING_TO_RESOLVE, { id: asn.id, state: states.join(' or '), detail: '' });
  const epcs = cases.map((each) => each.item.epc);
  const gtins = [...new Set(cases.map((each) => each.item.gtin))];
  if (gtins.length > 1)
    raise(ReceivingErrors.NOTHING_TO_RESOLVE, {
      id: asn.id,
      state: 'single-GTIN',
      detail: `(name the EPCs of one GTIN: ${gtins.join(', ')})`,
    });
  const epcSet = new Set(epcs);
  if (input.kind === 'book_found') {
    const line = order && lineForGtin(order, gtins[0] as string);
    const transaction = TransactionSchema.parse({
      ...base,
      type: 'receipt',
      location,
      epcs,
      poReference: asn.purchaseOrder,
      flags: ['found'],
      ...(line ? { unitCost: line.unitPrice } : {}),
    });
    return { asn: setCaseStates(asn, epcSet, 'found', id), epcs, transaction, poGtin: gtins[0] as string };
  }
  const inferred = cases.filter((each) => each.item.state === 'inferred').map((each) => each.item.epc);
  const transaction =
    inferred.length > 0
      ? TransactionSchema.parse({
          ...base,
          type: 'supplier_return',
          location,
          epcs: inferred,
          flags: ['asn_short_claimed'],
        })
      : undefined;
  return {
    asn: setCaseStates(asn, epcSet, 'claimed', id),
    epcs,
    ...(transaction ? { transaction, poGtin: gtins[0] as string } : {}),
  };
}
