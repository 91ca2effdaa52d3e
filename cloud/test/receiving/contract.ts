import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/src/clock.js';
import { buildEpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';
import { silentLogger } from '../../../shared/src/log.js';
import { mapEpcisDocument } from '../../src/ingest/epcis-to-transactions.js';
import { buildCatalog, type Catalog } from '../../src/ledger/catalog.js';
import { grniReport } from '../../src/receiving/grni-report.js';
import { resolveAsn } from '../../src/receiving/resolutions.js';
import { ManualReceiptInputSchema, receiveManually } from '../../src/receiving/manual-receipts.js';
import {
  AsnInputSchema,
  PurchaseOrderInputSchema,
  ReceivingConfigSchema,
  ResolutionInputSchema,
  SupplierInvoiceInputSchema,
} from '../../src/receiving/schemas.js';
import { ReceivingService } from '../../src/receiving/service.js';
import type { ReceivingStore } from '../../src/receiving/store/store.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { BACKROOM, SOAP, soap, sscc, TOWEL, towel } from './fixtures.js';

/**
 * The contract every receiving store passes (SQLite memory, SQLite file, PostgreSQL): the
 * document store's versioned writes, and the whole receiving flow on a real ledger — PO, ASN,
 * a dock-door pass, discrepancies, resolutions, the three-way match and the GRNI tie-out.
 */
export interface ReceivingStores {
  receiving: ReceivingStore;
  ledger: LedgerStore;
  /** A second connection to the same database (another process), when the store has one. */
  second?: ReceivingStore;
}
export type ReceivingFactory = (catalog: Catalog) => Promise<ReceivingStores>;

export const receivingCatalog = (): Catalog =>
  buildCatalog({
    products: [
      { gtin: SOAP, valuation: 'fifo', standardCost: '2' },
      { gtin: TOWEL, valuation: 'fifo', standardCost: '6' },
    ],
    locations: [{ id: BACKROOM, site: 'store-1', kind: 'backroom' }],
  });

const PALLET = sscc(7);

function dockDocument(cases: string[], extraInObjectEvent: string[] = []) {
  const frame = {
    eventTime: '2026-11-25T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE' as const,
    bizStep: 'receiving' as const,
    readPoint: { id: 'urn:stockwire:loc:store-1:door-3' },
    bizLocation: { id: BACKROOM },
  };
  const aggregation = withEventId({ type: 'AggregationEvent' as const, ...frame, parentID: PALLET, childEPCs: cases });
  const object = withEventId({
    type: 'ObjectEvent' as const,
    ...frame,
    epcList: [PALLET, ...cases, ...extraInObjectEvent],
  });
  return buildEpcisDocument([aggregation, object], { creationDate: frame.eventTime, gatewayId: 'gw-1' });
}

export function receivingStoreContract(name: string, factory: ReceivingFactory): void {
  describe(`receiving contract: ${name}`, () => {
    let stores: ReceivingStores;
    let service: ReceivingService;
    const opened: ReceivingStores[] = [];
    const catalog = receivingCatalog();
    const clock = new ManualClock(Date.parse('2026-11-25T09:00:00Z'));
    const makeService = (store: ReceivingStore, policy: object = {}) =>
      new ReceivingService(store, stores.ledger, ReceivingConfigSchema.parse({ policy }), {
        logger: silentLogger(),
        clock,
      });

    beforeEach(async () => {
      stores = await factory(catalog);
      opened.push(stores);
      service = makeService(stores.receiving);
    });
    afterAll(async () => {
      for (const each of opened) {
        await each.receiving.close();
        await each.second?.close();
        await each.ledger.close();
      }
    });

    const order = () =>
      service.createPurchaseOrder(
        PurchaseOrderInputSchema.parse({
          id: 'PO-1',
          supplier: 'acme',
          site: 'store-1',
          lines: [
            { gtin: SOAP, qty: '3', unitPrice: '2.5' },
            { gtin: TOWEL, qty: '1', unitPrice: '7.25', tolerancePercent: 0 },
          ],
        }),
      );
    const asnInput = (cases = [soap(1), soap(2), soap(3), towel(1)]) =>
      AsnInputSchema.parse({
        id: 'ASN-1',
        supplier: 'acme',
        purchaseOrder: 'PO-1',
        site: 'store-1',
        pallets: [{ sscc: PALLET, cases }],
      });
    const pass = async (receiver: ReceivingService, cases: string[], extra: string[] = []) => {
      const document = dockDocument(cases, extra);
      const mapped = mapEpcisDocument(document, { siteId: 'store-1', gatewayId: 'gw-1' }, catalog);
      const prepared = await receiver.prepareDocument(document, 'store-1', mapped.transactions);
      const results = await stores.ledger.applyBatch(prepared.transactions);
      await prepared.commit(results);
      return results;
    };
    const balances = async () =>
      Object.fromEntries((await stores.ledger.trialBalance()).accounts.map((row) => [row.account, row.balance]));

    it('writes documents with a version check: one winner, the loser writes nothing', async () => {
      const store = stores.receiving;
      expect(
        await store.write([
          { kind: 'purchase_order', id: 'x', body: { n: 1 }, status: 'open', site: 's', expectedVersion: null },
        ]),
      ).toBe(true);
      expect(await store.write([{ kind: 'purchase_order', id: 'x', body: { n: 2 }, expectedVersion: null }])).toBe(
        false,
      );
      const first = await store.write([
        { kind: 'purchase_order', id: 'y', body: {}, expectedVersion: null },
        { kind: 'purchase_order', id: 'x', body: { n: 3 }, expectedVersion: 7 },
      ]);
      expect(first).toBe(false);
      expect(await store.get('purchase_order', 'y')).toBeUndefined();
      expect(
        await store.write([{ kind: 'purchase_order', id: 'x', body: { n: 4 }, status: 'closed', expectedVersion: 1 }]),
      ).toBe(true);
      expect(await store.get('purchase_order', 'x')).toMatchObject({ version: 2, status: 'closed', body: { n: 4 } });
      expect((await store.list('purchase_order', { status: 'closed', limit: 10 })).map((doc) => doc.id)).toEqual(['x']);
    });

    it('receives a pallet read in full at the PO prices and matches the invoice: GRNI cleared, PPV posted', async () => {
      expect((await order()).status).toBe('created');
      expect((await order()).status).toBe('duplicate');
      await service.createAsn(asnInput());
      const results = await pass(service, [soap(1), soap(2), soap(3), towel(1)]);
      expect(results.map((each) => [each.status, each.qtyDelta, each.valueDelta])).toEqual([
        ['applied', '3', '7.5'],
        ['applied', '1', '7.25'],
      ]);
      const po = await service.purchaseOrder('PO-1');
      expect(po?.status).toBe('received');
      expect(po?.lines.map((line) => [line.receivedQty, line.receivedValue])).toEqual([
        ['3', '7.5'],
        ['1', '7.25'],
      ]);
      const asn = await service.asn('ASN-1');
      expect(asn?.status).toBe('closed');
      expect(asn?.summary).toMatchObject({ received: 4, inferred: 0, short: 0, palletsArrived: 1 });
      expect(await balances()).toEqual({ GRNI: '-14.75', 'Inventory:store-1': '14.75' });

      // Invoiced soap at 2.6 (PO 2.5): PPV 0.30 debit; towel at the PO price.
      const invoice = SupplierInvoiceInputSchema.parse({
        id: 'INV-1',
        supplier: 'acme',
        invoiceNumber: 'A-77',
        lines: [
          { purchaseOrder: 'PO-1', line: 1, qty: '3', unitPrice: '2.6' },
          { purchaseOrder: 'PO-1', line: 2, qty: '1', unitPrice: '7.25' },
        ],
      });
      expect((await service.matchInvoice(invoice)).status).toBe('created');
      expect((await service.matchInvoice(invoice)).status).toBe('duplicate');
      expect(await balances()).toEqual({
        'Accounts Payable': '-15.05',
        GRNI: '0',
        'Inventory:store-1': '14.75',
        'Purchase Price Variance': '0.3',
      });
      const report = await grniReport(await service.purchaseOrders({}), stores.ledger);
      expect(report).toMatchObject({ glBalance: '0', notOnPurchaseOrders: '0', difference: '0' });
      expect((await stores.ledger.check()).ok).toBe(true);
    });

    it('refuses to invoice more than was received (three-way match)', async () => {
      await order();
      await service.createAsn(asnInput());
      await pass(service, [soap(1)]); // trustAsn: the rest is inferred, received by aggregation
      const tooMuch = SupplierInvoiceInputSchema.parse({
        id: 'INV-2',
        supplier: 'acme',
        invoiceNumber: 'B-1',
        lines: [{ purchaseOrder: 'PO-1', line: 2, qty: '2', unitPrice: '7.25' }],
      });
      await expect(service.matchInvoice(tooMuch)).rejects.toMatchObject({
        code: 'SW_RECEIVING_INVOICE_EXCEEDS_RECEIPT',
      });
    });

    it('trustAsn: unread cases are inferred, a later read confirms them, an accepted short is claimed back', async () => {
      await order();
      await service.createAsn(asnInput());
      await pass(service, [soap(1), towel(1)]);
      let asn = await service.asn('ASN-1');
      expect(asn?.summary).toMatchObject({ received: 2, inferred: 2 });
      expect((await service.purchaseOrder('PO-1'))?.lines[0]?.receivedQty).toBe('3');
      // A shelf read of soap-2 later: received now.
      await service.prepareDocument(dockDocument([soap(2)]), 'store-1', []).then((prepared) => prepared.commit([]));
      asn = await service.asn('ASN-1');
      expect(asn?.summary).toMatchObject({ received: 3, inferred: 1 });
      // soap-3 never turns up: accept the short, claimed back from the supplier at PO price.
      await resolveAsn(service, catalog, 'ASN-1', ResolutionInputSchema.parse({ id: 'r1', kind: 'accept_short' }));
      asn = await service.asn('ASN-1');
      expect(asn?.summary).toMatchObject({ received: 3, inferred: 0, claimed: 1 });
      expect((await service.purchaseOrder('PO-1'))?.lines[0]).toMatchObject({ receivedQty: '2', receivedValue: '5' });
      expect(await balances()).toEqual({ GRNI: '-12.25', 'Inventory:store-1': '12.25' });
      const report = await grniReport(await service.purchaseOrders({}), stores.ledger);
      expect(report.suppliers).toEqual([
        { supplier: 'acme', value: '12.25', purchaseOrders: [{ id: 'PO-1', value: '12.25' }] },
      ]);
      expect(report.difference).toBe('0');
    });

    it('countReads: short with nothing booked; found later at PO price; an unexpected case is returned', async () => {
      service = makeService(stores.receiving, { unreadCases: 'countReads' });
      await order();
      await service.createAsn(asnInput());
      await pass(service, [soap(1), soap(2), towel(1), towel(9)]);
      let asn = await service.asn('ASN-1');
      expect(asn?.status).toBe('open');
      expect(asn?.summary).toMatchObject({ received: 3, short: 1, unexpectedOpen: 1 });
      expect(
        service
          .alerts()
          .map((alert) => alert.kind)
          .sort(),
      ).toEqual(['asn_short', 'asn_unexpected']);
      // GL: 2 × 2.5 + 7.25 at PO price, towel-9 at standard cost 6 (not on any PO).
      expect(await balances()).toEqual({ GRNI: '-18.25', 'Inventory:store-1': '18.25' });
      let report = await grniReport(await service.purchaseOrders({}), stores.ledger);
      expect(report).toMatchObject({ notOnPurchaseOrders: '6', glBalance: '18.25', difference: '0' });

      await resolveAsn(service, catalog, 'ASN-1', ResolutionInputSchema.parse({ id: 'found-1', kind: 'book_found' }));
      await resolveAsn(
        service,
        catalog,
        'ASN-1',
        ResolutionInputSchema.parse({ id: 'ret-1', kind: 'return_unexpected' }),
      );
      asn = await service.asn('ASN-1');
      expect(asn?.status).toBe('closed');
      expect(asn?.resolutions.map((each) => [each.kind, each.transactionId])).toEqual([
        ['book_found', 'resolution:ASN-1:found-1'],
        ['return_unexpected', 'resolution:ASN-1:ret-1'],
      ]);
      expect(await balances()).toEqual({ GRNI: '-14.75', 'Inventory:store-1': '14.75' });
      report = await grniReport(await service.purchaseOrders({}), stores.ledger);
      expect(report).toMatchObject({ notOnPurchaseOrders: '0', glBalance: '14.75', difference: '0' });
      expect((await stores.ledger.check()).ok).toBe(true);
    });

    it('a redelivered pass books nothing twice', async () => {
      await order();
      await service.createAsn(asnInput());
      await pass(service, [soap(1), soap(2), soap(3), towel(1)]);
      const again = await pass(service, [soap(1), soap(2), soap(3), towel(1)]);
      expect(again.map((each) => each.status)).toEqual(['duplicate', 'duplicate']);
      expect((await service.purchaseOrder('PO-1'))?.lines[0]?.receivedQty).toBe('3');
    });

    it('manual receipts: oldest PO first at its price, beyond tolerance flagged, nothing on a PO at standard cost', async () => {
      await order(); // PO-1: soap 3 @ 2.5, towel 1 @ 7.25 (0% tolerance)
      await service.createPurchaseOrder(
        PurchaseOrderInputSchema.parse({
          id: 'PO-2',
          supplier: 'acme',
          site: 'store-1',
          orderedAt: '2026-11-26T00:00:00Z',
          lines: [{ gtin: SOAP, qty: '2', unitPrice: '2.4' }],
        }),
      );
      const input = ManualReceiptInputSchema.parse({
        id: 'GR-1',
        site: 'store-1',
        supplier: 'acme',
        lines: [
          { gtin: SOAP, qty: '4' },
          { gtin: TOWEL, qty: '2' },
        ],
      });
      const first = await receiveManually(service, catalog, input);
      expect(first.results.map((each) => [each.id, each.qtyDelta, each.valueDelta])).toEqual([
        ['manual:GR-1:1:PO-1:1', '3', '7.5'],
        ['manual:GR-1:1:PO-2:1', '1', '2.4'],
        ['manual:GR-1:2:PO-1:2', '2', '14.5'],
      ]);
      expect(first.alerts.map((alert) => [alert.kind, alert.purchaseOrder])).toEqual([['po_over_receipt', 'PO-1']]);
      const again = await receiveManually(service, catalog, input);
      expect(again.results.map((each) => each.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
      expect((await service.purchaseOrder('PO-2'))?.lines[0]?.receivedQty).toBe('1');
      await expect(
        receiveManually(service, catalog, { ...input, lines: [{ gtin: SOAP, qty: '1' }] }),
      ).rejects.toMatchObject({
        code: 'SW_RECEIVING_ID_CONFLICT',
      });
      const other = await receiveManually(
        service,
        catalog,
        ManualReceiptInputSchema.parse({ ...input, id: 'GR-2', supplier: 'nobody' }),
      );
      expect(other.results.map((each) => [each.id, each.valueDelta])).toEqual([
        ['manual:GR-2:1:no-po', '8'],
        ['manual:GR-2:2:no-po', '12'],
      ]);
      const report = await grniReport(await service.purchaseOrders({}), stores.ledger);
      expect(report).toMatchObject({ notOnPurchaseOrders: '20', glBalance: '44.4', difference: '0' });
    });

    it('two submissions of the same ASN at once: one created, one duplicate; other content conflicts', async () => {
      await order();
      const other = stores.second ? makeService(stores.second) : makeService(stores.receiving);
      const outcomes = await Promise.all([service.createAsn(asnInput()), other.createAsn(asnInput())]);
      expect(outcomes.map((each) => each.status).sort()).toEqual(['created', 'duplicate']);
      await expect(service.createAsn(asnInput([soap(1)]))).rejects.toMatchObject({ code: 'SW_RECEIVING_ID_CONFLICT' });
      const ssccIndex = await stores.receiving.get('sscc', PALLET);
      expect(ssccIndex?.body).toEqual({ asn: 'ASN-1' });
    });
  });
}
