import { sgtinUrn } from '../../src/ledger/epc-product.js';
import { TransactionSchema, type Transaction } from '../../src/ledger/transactions.js';
import { createAsn } from '../../src/receiving/asn.js';
import { createPurchaseOrder } from '../../src/receiving/purchase-orders.js';
import { AsnInputSchema, PurchaseOrderInputSchema, type Asn, type PurchaseOrder } from '../../src/receiving/schemas.js';

/** Two products of company 0614141 (7-digit prefix), SSCC pallets, and builders for POs, ASNs and dock receipts. */
export const SOAP = '00614141073467';
export const TOWEL = '00614141073474';
export const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
export const soap = (serial: number) => sgtinUrn(SOAP, 7, String(serial));
export const towel = (serial: number) => sgtinUrn(TOWEL, 7, String(serial));
export const sscc = (serial: number) => `urn:epc:id:sscc:0614141.${String(serial).padStart(10, '0')}`;

export function purchaseOrder(
  id: string,
  lines: { gtin: string; qty: string; unitPrice: string; tolerancePercent?: number }[],
  options: { supplier?: string; site?: string; orderedAt?: string } = {},
): PurchaseOrder {
  const input = PurchaseOrderInputSchema.parse({
    id,
    supplier: options.supplier ?? 'acme',
    site: options.site ?? 'store-1',
    orderedAt: options.orderedAt ?? '2026-11-20T00:00:00Z',
    lines,
  });
  return createPurchaseOrder(input, '2026-11-20T00:00:00Z');
}

export function asn(
  id: string,
  order: string,
  pallets: { sscc: string; cases?: string[]; counts?: { gtin: string; qty: string }[] }[],
  site = 'store-1',
): Asn {
  return createAsn(AsnInputSchema.parse({ id, supplier: 'acme', purchaseOrder: order, site, pallets }), 'api');
}

export type Receipt = Extract<Transaction, { type: 'receipt' }>;

export function dockReceipt(id: string, epcs: string[], location = BACKROOM): Receipt {
  return TransactionSchema.parse({
    id,
    type: 'receipt',
    location,
    epcs,
    site: 'store-1',
    time: '2026-11-25T10:00:00Z',
    flags: ['no_po_cost'],
    source: { kind: 'rfid', gatewayId: 'gw-1', eventId: id },
  }) as Receipt;
}
