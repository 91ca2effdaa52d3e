import { z } from 'zod';
import { EpcUrnSchema } from '../../../shared/src/contracts/epcis.js';
import { gtinField, quantityString, unitCostString } from '../ledger/catalog.js';

/**
 * Receiving's boundary schemas (HTTP bodies) and its stored documents. Quantities are
 * decimal strings at 3 decimals, prices at 6 (unit cost scale), values at 4 (money), as in
 * the ledger; the arithmetic is BigInt (ledger/decimal.ts).
 */

export const PURCHASE_ORDER_LINES_MAX = 1_000;
export const ASN_PALLETS_MAX = 500;
export const PALLET_CASES_MAX = 5_000;

const clientId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an id like PO-1001 (letters, digits, . _ : -)');
const siteId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a site id like store-1');
const supplierId = z.string().min(1).max(128);
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO 8601 date');
const tolerancePercent = z.number().min(0).max(100);
const ssccUrn = z.string().regex(/^urn:epc:id:sscc:\d+\.\d+$/, 'must be an SSCC URN (urn:epc:id:sscc:…)');

export const PurchaseOrderInputSchema = z
  .object({
    id: clientId,
    supplier: supplierId,
    site: siteId,
    orderedAt: isoTime.optional(),
    lines: z
      .array(
        z
          .object({
            gtin: gtinField(),
            qty: quantityString(),
            unitPrice: unitCostString(),
            /** Over-receipt allowed before it is flagged, in percent of the ordered quantity. */
            tolerancePercent: tolerancePercent.default(0),
          })
          .strict(),
      )
      .min(1)
      .max(PURCHASE_ORDER_LINES_MAX),
  })
  .strict();
export type PurchaseOrderInput = z.output<typeof PurchaseOrderInputSchema>;

export const PURCHASE_ORDER_STATUSES = ['open', 'partially_received', 'received', 'closed', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

/** One ledger transaction booked against a PO line (receipt, or a negative for a short claimed back). */
export interface LineBooking {
  transactionId: string;
  qty: string;
  value: string;
}

export interface PurchaseOrderLine {
  line: number;
  gtin: string;
  qty: string;
  unitPrice: string;
  tolerancePercent: number;
  receivedQty: string;
  /** What the receipts credited to GRNI (the ledger's own values). */
  receivedValue: string;
  invoicedQty: string;
  /** GRNI already cleared by invoices. */
  clearedValue: string;
  bookings: LineBooking[];
}

export interface PurchaseOrder {
  id: string;
  supplier: string;
  site: string;
  orderedAt: string;
  status: PurchaseOrderStatus;
  lines: PurchaseOrderLine[];
  invoices: string[];
}

const palletInput = z
  .object({
    sscc: ssccUrn,
    /** Serialised cases (SGTIN URNs) on the pallet. */
    cases: z.array(EpcUrnSchema).min(1).max(PALLET_CASES_MAX).optional(),
    /** Or class-level counts per GTIN. */
    counts: z
      .array(z.object({ gtin: gtinField(), qty: quantityString() }).strict())
      .min(1)
      .max(PURCHASE_ORDER_LINES_MAX)
      .optional(),
  })
  .strict()
  .refine((pallet) => (pallet.cases === undefined) !== (pallet.counts === undefined), {
    message: 'give either cases (SGTIN URNs) or counts (GTIN + qty) for a pallet',
  });

export const AsnInputSchema = z
  .object({
    id: clientId,
    supplier: supplierId,
    purchaseOrder: clientId,
    site: siteId,
    expectedAt: isoTime.optional(),
    pallets: z.array(palletInput).min(1).max(ASN_PALLETS_MAX),
  })
  .strict();
export type AsnInput = z.output<typeof AsnInputSchema>;

/**
 * expected: on the ASN, not seen yet · received: read at our door · inferred: received by aggregation
 * (its pallet was read, it was not) · short: not read under countReads · claimed: short accepted,
 * claimed back from the supplier · found: a short booked later.
 */
export const CASE_STATES = ['expected', 'received', 'inferred', 'short', 'claimed', 'found'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export interface AsnCase {
  epc: string;
  gtin: string;
  state: CaseState;
  /** Ledger transaction that booked it (received, inferred, found) or claimed it back. */
  transactionId?: string;
}

export interface AsnCount {
  gtin: string;
  expectedQty: string;
  receivedQty: string;
  inferredQty: string;
  shortQty: string;
  claimedQty: string;
}

export interface AsnPallet {
  sscc: string;
  arrived: boolean;
  cases: AsnCase[];
  counts: AsnCount[];
}

/** A case read on an ASN pallet that the ASN does not list. */
export interface UnexpectedCase {
  epc: string;
  gtin: string;
  sscc: string;
  location: string;
  state: 'open' | 'kept' | 'returned';
  transactionId: string;
}

export interface AsnResolution {
  id: string;
  kind: 'accept_short' | 'book_found' | 'return_unexpected' | 'keep_unexpected';
  epcs: string[];
  transactionId?: string;
  time: string;
}

export interface Asn {
  id: string;
  supplier: string;
  purchaseOrder: string;
  site: string;
  expectedAt?: string;
  source: 'api' | 'epcis';
  status: 'open' | 'closed';
  pallets: AsnPallet[];
  unexpected: UnexpectedCase[];
  resolutions: AsnResolution[];
}

export const SupplierInvoiceInputSchema = z
  .object({
    id: clientId,
    supplier: supplierId,
    invoiceNumber: z.string().min(1).max(128),
    lines: z
      .array(
        z
          .object({
            purchaseOrder: clientId,
            line: z.number().int().min(1).max(PURCHASE_ORDER_LINES_MAX),
            qty: quantityString(),
            unitPrice: unitCostString(),
          })
          .strict(),
      )
      .min(1)
      .max(PURCHASE_ORDER_LINES_MAX),
  })
  .strict();
export type SupplierInvoiceInput = z.output<typeof SupplierInvoiceInputSchema>;

export const ResolutionInputSchema = z
  .object({
    id: clientId,
    kind: z.enum(['accept_short', 'book_found', 'return_unexpected', 'keep_unexpected']),
    /** The cases it is about; default every open case of that kind. */
    epcs: z.array(EpcUrnSchema).min(1).max(PALLET_CASES_MAX).optional(),
    /** Where found cases are booked (default the site's backroom). */
    location: z.string().min(1).max(256).optional(),
  })
  .strict();
export type ResolutionInput = z.output<typeof ResolutionInputSchema>;

/** Per site: what an unread case on a read pallet means, and where unexpected cases go. */
export const ReceivingPolicySchema = z
  .object({
    unreadCases: z.enum(['trustAsn', 'countReads']).default('trustAsn'),
    unexpectedCases: z.enum(['standardCost', 'quarantine']).default('standardCost'),
    /** Location for unexpected cases under `quarantine`; default urn:stockwire:loc:<site>:quarantine. */
    quarantineLocation: z.string().min(1).max(256).optional(),
  })
  .strict();
export type ReceivingPolicy = z.output<typeof ReceivingPolicySchema>;

export const ReceivingConfigSchema = z
  .object({
    policy: ReceivingPolicySchema.default({}),
    sites: z.record(siteId, ReceivingPolicySchema).default({}),
  })
  .strict();
export type ReceivingConfig = z.output<typeof ReceivingConfigSchema>;

export function policyOf(config: ReceivingConfig, site: string): ReceivingPolicy {
  return config.sites[site] ?? config.policy;
}
