import { raise } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import type { Clock } from '../../../shared/src/clock.js';
import type { ApplyResult } from '../ledger/state.js';
import type { Transaction } from '../ledger/transactions.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { BatchReads } from './batch-reads.js';
import { createAsn, summariseAsn, withStatus, type AsnSummary } from './asn.js';
import type { ReceivingAlert } from './dock-matching.js';
import { createOnce, read, SerialQueue, update, withRetries, type Created } from './documents.js';
import { ReceivingErrors } from './errors.js';
import { matchSupplierInvoice } from './invoice.js';
import { createPurchaseOrder } from './purchase-orders.js';
import { commitPlan, hasOpenOrders, markInferredSeen, palletReadsOf, planReceipt } from './receipts.js';
import {
  policyOf,
  type Asn,
  type AsnInput,
  type PurchaseOrder,
  type ReceivingConfig,
  type SupplierInvoiceInput,
} from './schemas.js';
import type { ReceivingStore } from './store/store.js';
import { LIST_LIMIT_MAX } from './store/store.js';

/** Recent alerts kept for the API and dashboard (misdeliveries, over-receipts, …). */
export const RECENT_ALERTS_MAX = 200;

export interface PreparedDocument {
  transactions: Transaction[];
  /** After the ledger committed: PO lines and ASN cases take what it booked. */
  commit(results: readonly ApplyResult[]): Promise<void>;
}

export interface DocumentToPrepare {
  document: EpcisDocument;
  siteId: string;
  transactions: Transaction[];
}

interface PendingCommit {
  planIds: readonly string[];
  seenEpcs: readonly string[];
  results: readonly ApplyResult[];
}

/**
 * The imperative shell of receiving: purchase orders, ASNs, supplier invoices, and the hook the
 * MQTT consumer calls around each document so dock-door receipts are matched and priced.
 */
export class ReceivingService {
  readonly queue = new SerialQueue();
  private readonly pendingCommits: (PendingCommit & { resolve(): void; reject(error: unknown): void })[] = [];
  private readonly recentAlerts: (ReceivingAlert & { time: string })[] = [];

  constructor(
    readonly store: ReceivingStore,
    readonly ledger: LedgerStore,
    readonly config: ReceivingConfig,
    private readonly deps: { logger: Logger; clock: Clock },
  ) {}

  nowIso(): string {
    return new Date(this.deps.clock.nowMs()).toISOString();
  }

  createPurchaseOrder(input: Parameters<typeof createPurchaseOrder>[0]): Promise<Created<PurchaseOrder>> {
    return this.queue.run(() =>
      createOnce(this.store, 'purchase_order', input.id, input, async () => ({
        body: createPurchaseOrder(input, this.nowIso()),
        writes: [],
      })),
    );
  }

  async purchaseOrder(id: string): Promise<PurchaseOrder | undefined> {
    return (await read<PurchaseOrder>(this.store, 'purchase_order', id))?.body;
  }

  async purchaseOrders(filter: { site?: string; status?: string }): Promise<PurchaseOrder[]> {
    const docs = await this.store.list('purchase_order', { ...filter, limit: LIST_LIMIT_MAX });
    return docs.map((doc) => doc.body as PurchaseOrder);
  }

  /** close: no more receipts (what is outstanding is not coming); cancel: only before anything arrived. */
  finishPurchaseOrder(id: string, to: 'closed' | 'cancelled'): Promise<PurchaseOrder> {
    return this.queue.run(async () => {
      let finished: PurchaseOrder | undefined;
      // A loop, not a recursive call: a nested queue.run would wait for this very step.
      await withRetries(async () => {
        const current = await read<PurchaseOrder>(this.store, 'purchase_order', id);
        if (!current) return raise(ReceivingErrors.UNKNOWN_PURCHASE_ORDER, { id });
        const { status } = current.body;
        const allowed = to === 'closed' ? status !== 'cancelled' : status === 'open';
        if (!allowed)
          raise(ReceivingErrors.PURCHASE_ORDER_NOT_OPEN, {
            id,
            status,
            action: to === 'closed' ? 'closing' : 'cancelling (nothing received yet)',
          });
        finished = { ...current.body, status: to };
        return this.store.write([update('purchase_order', id, current, finished)]);
      });
      return finished as PurchaseOrder;
    });
  }

  createAsn(input: AsnInput, source: Asn['source'] = 'api'): Promise<Created<Asn>> {
    return this.queue.run(() =>
      createOnce(this.store, 'asn', input.id, input, async () => {
        const order = await this.purchaseOrder(input.purchaseOrder);
        if (!order) return raise(ReceivingErrors.UNKNOWN_PURCHASE_ORDER, { id: input.purchaseOrder });
        if (order.supplier !== input.supplier)
          raise(ReceivingErrors.SUPPLIER_MISMATCH, {
            id: order.id,
            expected: order.supplier,
            supplier: input.supplier,
          });
        const ssccs = input.pallets.map((pallet) => pallet.sscc);
        for (const doc of await this.store.getMany('sscc', ssccs)) {
          const other = (doc.body as { asn: string }).asn;
          // This very ASN, written by a concurrent submission: the insert below settles duplicate vs conflict.
          if (other === input.id) continue;
          const otherAsn = await read<Asn>(this.store, 'asn', other);
          if (otherAsn?.body.status === 'open') raise(ReceivingErrors.SSCC_ON_OTHER_ASN, { sscc: doc.id, other });
        }
        const existing = new Map((await this.store.getMany('sscc', ssccs)).map((doc) => [doc.id, doc.version]));
        return {
          body: createAsn(input, source),
          writes: ssccs.map((sscc) => ({
            kind: 'sscc' as const,
            id: sscc,
            body: { asn: input.id },
            expectedVersion: existing.get(sscc) ?? null,
          })),
        };
      }),
    );
  }

  async asn(id: string): Promise<(Asn & { summary: AsnSummary }) | undefined> {
    const found = await read<Asn>(this.store, 'asn', id);
    return found && { ...found.body, summary: summariseAsn(found.body) };
  }

  async asns(filter: { site?: string; status?: string }): Promise<(Asn & { summary: AsnSummary })[]> {
    const docs = await this.store.list('asn', { ...filter, limit: LIST_LIMIT_MAX });
    return docs.map((doc) => ({ ...(doc.body as Asn), summary: summariseAsn(doc.body as Asn) }));
  }

  /** Three-way match; the invoice document is written first so a retry books the same transaction. */
  matchInvoice(input: SupplierInvoiceInput): Promise<{ status: 'created' | 'duplicate'; result: ApplyResult }> {
    return this.queue.run(async () => {
      const created = await createOnce(this.store, 'invoice', input.id, input, async () => {
        const ids = [...new Set(input.lines.map((line) => line.purchaseOrder))];
        const docs = await this.store.getMany('purchase_order', ids);
        const match = matchSupplierInvoice(
          input,
          new Map(docs.map((doc) => [doc.id, doc.body as PurchaseOrder])),
          this.nowIso(),
        );
        const writes = match.orders.map((order) => {
          const doc = docs.find((each) => each.id === order.id);
          return update(
            'purchase_order',
            order.id,
            doc && { body: doc.body as PurchaseOrder, version: doc.version },
            order,
          );
        });
        return { body: { ...input, transaction: match.transaction }, writes };
      });
      const [result] = await this.ledger.applyBatch([created.body.transaction]);
      if (!result || (result.status !== 'applied' && result.status !== 'duplicate'))
        return raise(ReceivingErrors.LEDGER_REJECTED, { id: input.id, reason: result?.reason ?? 'no result' });
      return { status: created.status, result };
    });
  }

  /** Consumer hook: replaces the receipts of a document by their matched plans. */
  async prepareDocument(
    document: EpcisDocument,
    siteId: string,
    transactions: Transaction[],
  ): Promise<PreparedDocument> {
    const [prepared] = await this.prepareDocuments([{ document, siteId, transactions }]);
    return prepared as PreparedDocument;
  }

  /**
   * The consumer's hook for a group-commit batch: every document's receipts replaced by their matched plans,
   * in one queue step whose reads are shared (one plan lookup for the batch, the open POs of each site once).
   */
  prepareDocuments(inputs: readonly DocumentToPrepare[]): Promise<PreparedDocument[]> {
    return this.queue.run(async () => {
      const reads = new BatchReads(this.store);
      const receiptIds = inputs.flatMap((input) =>
        input.transactions.flatMap((each) => (each.type === 'receipt' && each.epcs !== undefined ? [each.id] : [])),
      );
      await reads.prefetch('plan', receiptIds);
      const prepared: PreparedDocument[] = [];
      for (const input of inputs) prepared.push(await this.prepareOne(reads, input));
      return prepared;
    });
  }

  private async prepareOne(reads: BatchReads, input: DocumentToPrepare): Promise<PreparedDocument> {
    const { document, siteId, transactions } = input;
    const palletReads = palletReadsOf(document);
    const policy = policyOf(this.config, siteId);
    const out: Transaction[] = [];
    const planIds: string[] = [];
    // No pallet on an ASN and no open PO at the site: a receipt without a stored plan books as it is
    // (what planReceipt would find, without its lookups per receipt).
    const nothingToMatch = palletReads.length === 0 && !(await hasOpenOrders(reads, siteId));
    for (const transaction of transactions) {
      if (transaction.type !== 'receipt' || transaction.epcs === undefined) {
        out.push(transaction);
        continue;
      }
      if (nothingToMatch && !(await reads.get('plan', transaction.id))) {
        out.push(transaction);
        continue;
      }
      const plan = await planReceipt(reads, transaction, siteId, palletReads, policy);
      if (!plan) {
        out.push(transaction);
        continue;
      }
      out.push(...plan.transactions);
      planIds.push(plan.eventId);
    }
    const seenEpcs = document.epcisBody.eventList.flatMap((event) =>
      event.type === 'ObjectEvent' ? event.epcList : event.childEPCs,
    );
    return { transactions: out, commit: (results) => this.commitCoalesced({ planIds, seenEpcs, results }) };
  }

  /**
   * The consumer settles a whole batch in one turn of the event loop: its documents' plans are committed
   * and their EPCs checked against inferred ASN cases in one queue step (one lookup for the batch's EPCs
   * instead of one per MQTT message).
   */
  private commitCoalesced(commit: PendingCommit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pendingCommits.length === 0) queueMicrotask(() => void this.flushCommits());
      this.pendingCommits.push({ ...commit, resolve, reject });
    });
  }

  private async flushCommits(): Promise<void> {
    const pending = this.pendingCommits.splice(0);
    try {
      await this.queue.run(async () => {
        for (const { planIds, results } of pending)
          for (const planId of planIds) this.remember(await commitPlan(this.store, planId, results));
        await markInferredSeen(this.store, [...new Set(pending.flatMap((each) => each.seenEpcs))]);
      });
      for (const entry of pending) entry.resolve();
    } catch (error) {
      for (const entry of pending) entry.reject(error);
    }
  }

  remember(alerts: readonly ReceivingAlert[]): void {
    for (const alert of alerts) {
      this.deps.logger.warn({ kind: alert.kind, asn: alert.asn, site: alert.site }, alert.message);
      this.recentAlerts.push({ ...alert, time: this.nowIso() });
    }
    if (this.recentAlerts.length > RECENT_ALERTS_MAX)
      this.recentAlerts.splice(0, this.recentAlerts.length - RECENT_ALERTS_MAX);
  }

  alerts(): readonly (ReceivingAlert & { time: string })[] {
    return [...this.recentAlerts];
  }

  async refreshAsnStatus(id: string): Promise<void> {
    const current = await read<Asn>(this.store, 'asn', id);
    if (current) await this.store.write([update('asn', id, current, withStatus(current.body))]);
  }
}
