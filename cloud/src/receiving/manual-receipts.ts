import { z } from 'zod';
import { gtinField, quantityString, siteDefaultLocation, type Catalog } from '../ledger/catalog.js';
import { formatQuantity } from '../ledger/decimal.js';
import type { ApplyResult } from '../ledger/state.js';
import { TransactionSchema, type Transaction } from '../ledger/transactions.js';
import type { PlanLink, ReceiptPlan, ReceivingAlert } from './dock-matching.js';
import { raise } from '../../../shared/src/errors.js';
import { contentHash, read } from './documents.js';
import { ReceivingErrors } from './errors.js';
import { allocateByGtin, qty } from './purchase-orders.js';
import { bookPlan, OPEN_ORDERS_PER_SITE_MAX } from './receipts.js';
import { PURCHASE_ORDER_LINES_MAX, type PurchaseOrder } from './schemas.js';
import type { ReceivingService } from './service.js';

/**
 * A receipt keyed in by hand (no RFID, no ASN): each line is matched to the site's open POs of that
 * supplier by GTIN, oldest first, and booked at their prices; what no PO covers is booked at standard
 * cost. Same plan → book → commit path as a dock pass, under the plan id `manual:<id>`.
 */
export const ManualReceiptInputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id like GR-1001'),
    site: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a site id like store-1'),
    supplier: z.string().min(1).max(128),
    /** Default: the site's backroom. */
    location: z.string().min(1).max(256).optional(),
    lines: z
      .array(z.object({ gtin: gtinField(), qty: quantityString() }).strict())
      .min(1)
      .max(PURCHASE_ORDER_LINES_MAX),
  })
  .strict();
export type ManualReceiptInput = z.output<typeof ManualReceiptInputSchema>;

type Receipt = Extract<Transaction, { type: 'receipt' }>;

export function planManualReceipt(
  input: ManualReceiptInput,
  orders: readonly PurchaseOrder[],
  location: string,
  nowIso: string,
): ReceiptPlan {
  const planId = `manual:${input.id}`;
  const transactions: Receipt[] = [];
  const links: PlanLink[] = [];
  const receipt = (id: string, gtin: string, units: bigint, price?: { unitPrice: string; purchaseOrder: string }) =>
    TransactionSchema.parse({
      id,
      type: 'receipt',
      product: gtin,
      qty: formatQuantity(units),
      location,
      site: input.site,
      time: nowIso,
      source: { kind: 'api' },
      ...(price ? { unitCost: price.unitPrice, poReference: price.purchaseOrder } : {}),
    }) as Receipt;
  const ofSupplier = orders.filter((order) => order.supplier === input.supplier && order.site === input.site);
  for (const [index, line] of input.lines.entries()) {
    const wanted = qty(line.qty);
    const allocations = allocateByGtin(ofSupplier, line.gtin, wanted);
    for (const allocation of allocations) {
      const id = `${planId}:${index + 1}:${allocation.purchaseOrder}:${allocation.line}`;
      transactions.push(receipt(id, line.gtin, allocation.qty, allocation));
      links.push({
        transactionId: id,
        kind: 'matched',
        purchaseOrder: allocation.purchaseOrder,
        line: allocation.line,
        epcs: [],
      });
    }
    const covered = allocations.reduce((sum, allocation) => sum + allocation.qty, 0n);
    if (covered < wanted) {
      const id = `${planId}:${index + 1}:no-po`;
      transactions.push(receipt(id, line.gtin, wanted - covered));
      links.push({ transactionId: id, kind: 'unmatched', epcs: [] });
    }
  }
  return { eventId: planId, transactions, links, caseUpdates: [], countUpdates: [], arrivedPallets: [], alerts: [] };
}

/** Plans (or finds the stored plan), books and commits a manual receipt. */
export async function receiveManually(
  service: ReceivingService,
  catalog: Catalog,
  input: ManualReceiptInput,
): Promise<{ results: ApplyResult[]; alerts: ReceivingAlert[] }> {
  const outcome = await service.queue.run(async () => {
    const planId = `manual:${input.id}`;
    const inputHash = contentHash(input);
    const stored = await read<{ plan: ReceiptPlan; inputHash: string }>(service.store, 'plan', planId);
    if (stored && stored.body.inputHash !== inputHash)
      raise(ReceivingErrors.ID_CONFLICT, { kind: 'receipt', id: input.id });
    let plan = stored?.body.plan;
    if (!plan) {
      const orders: PurchaseOrder[] = [];
      for (const status of ['open', 'partially_received'])
        for (const doc of await service.store.list('purchase_order', {
          site: input.site,
          status,
          limit: OPEN_ORDERS_PER_SITE_MAX,
        }))
          orders.push(doc.body as PurchaseOrder);
      const location = input.location ?? siteDefaultLocation(catalog, input.site);
      plan = planManualReceipt(input, orders, location, service.nowIso());
      await service.store.write([
        {
          kind: 'plan',
          id: planId,
          body: { plan, status: 'pending', site: input.site, inputHash },
          status: 'pending',
          site: input.site,
          expectedVersion: null,
        },
      ]);
    }
    return bookPlan(service.store, service.ledger, plan);
  });
  service.remember(outcome.alerts);
  return outcome;
}
