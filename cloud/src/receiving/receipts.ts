import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import type { ApplyResult } from '../ledger/state.js';
import type { Transaction } from '../ledger/transactions.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { applyPlanToAsn, markSeen } from './asn.js';
import { planDockReceipt, type PalletRead, type ReceiptPlan, type ReceivingAlert } from './dock-matching.js';
import { contentHash, read, update, withRetries } from './documents.js';
import { isOverReceived, recordBooking } from './purchase-orders.js';
import type { Asn, PurchaseOrder, ReceivingPolicy } from './schemas.js';
import type { DocumentWrite, ReceivingStore, StoredDocument } from './store/store.js';

/**
 * Booking receipts against POs and ASNs, in three steps that survive a crash anywhere:
 * 1. plan: match, and store the plan under the event id (a redelivery finds it and books the same; the same
 *    id with other content gets no plan and goes to the ledger as it is, which reports the conflict);
 * 2. book: the caller applies the plan's transactions to the ledger (idempotent by id);
 * 3. commit: record the ledger's own quantities and values on the PO lines and ASN cases, once per plan.
 */
export const OPEN_ORDERS_PER_SITE_MAX = 1_000;

type Receipt = Extract<Transaction, { type: 'receipt' }>;

interface StoredPlan {
  plan: ReceiptPlan;
  /** Of the mapped receipt it was made from: the same event id with other content gets no plan. */
  receiptHash: string;
  status: 'pending' | 'committed';
  site: string;
}

export async function planReceipt(
  store: ReceivingStore,
  receipt: Receipt,
  site: string,
  palletReads: readonly PalletRead[],
  policy: ReceivingPolicy,
): Promise<ReceiptPlan | undefined> {
  const stored = await read<StoredPlan>(store, 'plan', receipt.id);
  // Hashed only when a plan is at stake: most receipts (sites without POs or ASNs) never need it.
  if (stored) return stored.body.receiptHash === contentHash(receipt) ? stored.body.plan : undefined;
  const ssccs = await store.getMany(
    'sscc',
    palletReads.map((pallet) => pallet.sscc),
  );
  const asnIds = [...new Set(ssccs.map((doc) => (doc.body as { asn: string }).asn))];
  const asns = (await store.getMany('asn', asnIds))
    .map((doc) => doc.body as Asn)
    .filter((asn) => asn.status === 'open');
  const asnsBySscc = new Map<string, Asn>();
  for (const asn of asns) for (const pallet of asn.pallets) asnsBySscc.set(pallet.sscc, asn);
  const orders = new Map<string, PurchaseOrder>();
  for (const doc of await openOrdersAt(store, site)) orders.set(doc.id, doc.body as PurchaseOrder);
  for (const doc of await store.getMany(
    'purchase_order',
    asns.map((asn) => asn.purchaseOrder),
  ))
    orders.set(doc.id, doc.body as PurchaseOrder);
  // Nothing to match against (no ASN for these pallets, no open PO at the site): the receipt books as it
  // always did, at standard cost, without a stored plan — three durable writes per pass would otherwise
  // be the price of every receipt at a site that does not use purchase orders.
  if (asnsBySscc.size === 0 && orders.size === 0) return undefined;
  const receiptHash = contentHash(receipt);
  const plan = planDockReceipt({ receipt, site, palletReads, asnsBySscc, orders, policy });
  const body: StoredPlan = { plan, status: 'pending', site, receiptHash };
  if (await store.write([{ kind: 'plan', id: receipt.id, body, status: 'pending', site, expectedVersion: null }]))
    return plan;
  const raced = await read<StoredPlan>(store, 'plan', receipt.id);
  return raced?.body.receiptHash === receiptHash ? raced.body.plan : undefined;
}

const OPEN_ORDER_STATUSES = ['open', 'partially_received'] as const;

/** The purchase orders still expecting goods at a site (bounded per status). */
async function openOrdersAt(store: ReceivingStore, site: string): Promise<StoredDocument[]> {
  const docs: StoredDocument[] = [];
  for (const status of OPEN_ORDER_STATUSES)
    docs.push(...(await store.list('purchase_order', { site, status, limit: OPEN_ORDERS_PER_SITE_MAX })));
  return docs;
}

/** True when some purchase order at the site still expects goods (a dock receipt there may match it). */
export async function hasOpenOrders(store: ReceivingStore, site: string): Promise<boolean> {
  return (await openOrdersAt(store, site)).length > 0;
}

/** Step 3: what the ledger booked goes onto the POs and ASNs, exactly once per plan. Returns the alerts it raised. */
export async function commitPlan(
  store: ReceivingStore,
  planId: string,
  results: readonly ApplyResult[],
): Promise<ReceivingAlert[]> {
  const booked = new Map(
    results.filter((each) => each.status === 'applied' || each.status === 'duplicate').map((each) => [each.id, each]),
  );
  let alerts: ReceivingAlert[] = [];
  await withRetries(async () => {
    const stored = await read<StoredPlan>(store, 'plan', planId);
    if (!stored || stored.body.status === 'committed') return true;
    const { plan } = stored.body;
    const writes: DocumentWrite[] = [update('plan', planId, stored, { ...stored.body, status: 'committed' as const })];
    alerts = [...plan.alerts];
    const orderIds = [...new Set(plan.links.flatMap((link) => (link.purchaseOrder ? [link.purchaseOrder] : [])))];
    for (const orderId of orderIds) {
      const current = await read<PurchaseOrder>(store, 'purchase_order', orderId);
      if (!current) continue;
      let order = current.body;
      for (const link of plan.links) {
        const result = booked.get(link.transactionId);
        if (link.purchaseOrder !== orderId || link.line === undefined || !result) continue;
        order = recordBooking(order, link.line, {
          transactionId: link.transactionId,
          qty: result.qtyDelta,
          value: result.valueDelta,
        });
        const line = order.lines.find((each) => each.line === link.line);
        if (line && isOverReceived(line))
          alerts.push({
            kind: 'po_over_receipt',
            site: order.site,
            purchaseOrder: order.id,
            message: `PO ${order.id} line ${line.line} (${line.gtin}): received ${line.receivedQty} of ${line.qty}, beyond ${line.tolerancePercent}% tolerance`,
          });
      }
      writes.push(update('purchase_order', orderId, current, order));
    }
    const bookedPlan = {
      ...plan,
      caseUpdates: plan.caseUpdates.filter(
        (each) => each.transactionId === undefined || booked.has(each.transactionId),
      ),
    };
    const asnIds = [...new Set(plan.arrivedPallets.map((each) => each.asn))];
    for (const asnId of asnIds) {
      const current = await read<Asn>(store, 'asn', asnId);
      if (!current) continue;
      const location = plan.transactions[0]?.location ?? '';
      writes.push(update('asn', asnId, current, applyPlanToAsn(current.body, bookedPlan, location)));
      for (const each of bookedPlan.caseUpdates)
        if (each.asn === asnId && each.state === 'inferred')
          writes.push({ kind: 'inferred_epc', id: each.epc, body: { asn: asnId }, expectedVersion: null });
    }
    return store.write(writes);
  });
  return alerts;
}

/** AggregationEvents of a receiving pass: pallet SSCC → the cases read with it (parts merged). */
export function palletReadsOf(document: EpcisDocument): PalletRead[] {
  const bySscc = new Map<string, string[]>();
  for (const event of document.epcisBody.eventList) {
    if (event.type !== 'AggregationEvent' || event.bizStep !== 'receiving' || !event.parentID.includes(':sscc:'))
      continue;
    bySscc.set(event.parentID, [...(bySscc.get(event.parentID) ?? []), ...event.childEPCs]);
  }
  return [...bySscc].map(([sscc, cases]) => ({ sscc, cases }));
}

/** A reader saw these EPCs: ASN cases inferred so far are received now. */
export async function markInferredSeen(store: ReceivingStore, epcs: readonly string[]): Promise<void> {
  if (epcs.length === 0) return;
  const seen = await store.getMany('inferred_epc', epcs);
  if (seen.length === 0) return;
  const byAsn = new Map<string, Set<string>>();
  for (const doc of seen) {
    const asn = (doc.body as { asn: string }).asn;
    byAsn.set(asn, (byAsn.get(asn) ?? new Set()).add(doc.id));
  }
  await withRetries(async () => {
    const writes: DocumentWrite[] = seen.map((doc) => ({
      kind: 'inferred_epc' as const,
      id: doc.id,
      body: doc.body,
      expectedVersion: doc.version,
      delete: true,
    }));
    for (const [asnId, epcSet] of byAsn) {
      const current = await read<Asn>(store, 'asn', asnId);
      if (current) writes.push(update('asn', asnId, current, markSeen(current.body, epcSet)));
    }
    return store.write(writes);
  });
}

/** Books a plan on the ledger and commits it: the path of manual receipts (the consumer does the same around its batch). */
export async function bookPlan(
  store: ReceivingStore,
  ledger: LedgerStore,
  plan: ReceiptPlan,
): Promise<{ results: ApplyResult[]; alerts: ReceivingAlert[] }> {
  const results = await ledger.applyBatch(plan.transactions);
  const alerts = await commitPlan(store, plan.eventId, results);
  return { results, alerts };
}
