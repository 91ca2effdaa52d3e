import { z } from 'zod';
import { EpcUrnSchema } from '../../../shared/src/contracts/epcis.js';
import { isoTimeSchema } from '../../../shared/src/contracts/iso-time.js';
import { decimalString, gtinField, productAttributes, quantityString, unitCostString } from './catalog.js';
import { MONEY_SCALE } from './decimal.js';
import { supplierInvoiceSchema } from './supplier-invoice.js';

/**
 * Every way stock and books change, as validated data. Quantities and money are
 * decimal strings (integers are accepted and turned into strings); the ledger
 * parses them into scaled BigInts. The `id` is the idempotency key: the EPCIS
 * eventID for device events, a client id for API calls.
 */

export const TRANSACTION_EPCS_MAX = 100_000;
/** Fallback locations of one quantity sale. */
export const SALE_ALSO_FROM_MAX = 64;
/** Seconds optional here (`10:00Z`); every field range-checked, no rollover (shared iso-time.ts). */
const isoTime = isoTimeSchema({ secondsRequired: false });
const productKey = z.string().min(1).max(64);
const locationId = z.string().min(1).max(256);
const epcList = z.array(EpcUrnSchema).min(1).max(TRANSACTION_EPCS_MAX);
const moneyString = () => decimalString(MONEY_SCALE);

export const SourceSchema = z
  .object({
    kind: z.enum(['rfid', 'api', 'replay', 'pos']),
    gatewayId: z.string().max(64).optional(),
    eventId: z.string().max(256).optional(),
    /** Set for gateways the cloud config declares cross-site: their events are not bound to their site (site-binding.ts). */
    crossSite: z.literal(true).optional(),
  })
  .strict();

const base = {
  id: z.string().min(1).max(256),
  /** When it happened (ISO 8601); default: when the ledger applied it. */
  time: isoTime.optional(),
  source: SourceSchema.optional(),
  /** Flags set by the mapper (e.g. `no_po_cost`); reported back, never interpreted. */
  flags: z.array(z.string().max(64)).max(16).optional(),
  /** Site that unknown locations of this transaction are registered under (device events know their site). */
  site: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be a site id like store-1')
    .optional(),
};

export const ReceiptSchema = z
  .object({
    ...base,
    type: z.literal('receipt'),
    product: productKey.optional(),
    location: locationId,
    qty: quantityString().optional(),
    epcs: epcList.optional(),
    /** Per unit; required for qty receipts unless the product has a standard cost. */
    unitCost: unitCostString().optional(),
    poReference: z.string().max(128).optional(),
  })
  .strict();

export const SaleSchema = z
  .object({
    ...base,
    type: z.literal('sale'),
    product: productKey.optional(),
    location: locationId,
    qty: quantityString().optional(),
    epcs: epcList.optional(),
    /** Selling price per unit: when present the sale also posts Dr Cash / Cr Revenue. */
    unitPrice: moneyString().optional(),
    /** Quantity sales only: what `location` lacks is taken from these, in order (a POS barcode sale: floor, then shelves). */
    alsoFrom: z.array(locationId).max(SALE_ALSO_FROM_MAX).optional(),
  })
  .strict();

export const CustomerReturnSchema = z
  .object({
    ...base,
    type: z.literal('customer_return'),
    product: productKey.optional(),
    location: locationId,
    qty: quantityString().optional(),
    epcs: epcList.optional(),
    /** Id of the original sale: the items come back at its cost. */
    of: z.string().min(1).max(256).optional(),
    /** Refund per unit: posts Dr Revenue / Cr Cash. */
    unitPrice: moneyString().optional(),
  })
  .strict();

export const SupplierReturnSchema = z
  .object({
    ...base,
    type: z.literal('supplier_return'),
    product: productKey.optional(),
    location: locationId,
    qty: quantityString().optional(),
    epcs: epcList.optional(),
    /** Id of the receipt whose layer goes back (FIFO); default the oldest layers. */
    of: z.string().min(1).max(256).optional(),
  })
  .strict();

export const TransferSchema = z
  .object({
    ...base,
    type: z.literal('transfer'),
    product: productKey.optional(),
    from: locationId,
    to: locationId,
    qty: quantityString().optional(),
    epcs: epcList.optional(),
    /**
     * Move only EPCs the ledger has at `from` (a shelf's `removing`: an item that already
     * turned up on another shelf left this one, it did not go back to the backroom).
     */
    epcsOnlyFromSource: z.boolean().optional(),
    /**
     * EPCs the books have nowhere (nor as unserialised units at `from`) are booked at `to` as found stock
     * (a shelf's `stocking`: the reader sees them there, so they exist) instead of being left out.
     */
    registerUnknownEpcs: z.boolean().optional(),
  })
  .strict();

export const AdjustmentSchema = z
  .object({
    ...base,
    type: z.literal('adjustment'),
    /** Required with qty; with epcs, optional (then every EPC must be of it). */
    product: productKey.optional(),
    location: locationId,
    /** Signed: negative removes (damage, theft, write-off), positive adds (found). Required unless epcs. */
    qty: quantityString({ signed: true }).optional(),
    /**
     * Serialised items written off (damaged, destroyed): each leaves stock from wherever the books have it
     * (`location` only names where it was found). Removals only; give either qty or epcs.
     */
    epcs: epcList.optional(),
    reason: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a reason code like damage, theft, write_off, found'),
    /** For positive adjustments; default the position's current unit cost, else the standard cost. */
    unitCost: unitCostString().optional(),
  })
  .strict();

export const CountSchema = z
  .object({
    ...base,
    type: z.literal('count'),
    /** Required with qty; with epcs the count covers every product of the EPCs (and those with EPCs in stock there). */
    product: productKey.optional(),
    location: locationId,
    /** Absolute quantity physically there. */
    qty: quantityString().optional(),
    /** The complete set of EPCs physically there (an empty set is `qty: "0"` per product). */
    epcs: z.array(EpcUrnSchema).max(TRANSACTION_EPCS_MAX).optional(),
    /** Cost of a gain on an empty position (initial count); default the standard cost. */
    unitCost: unitCostString().optional(),
  })
  .strict();

export const ProductDeclarationSchema = z
  .object({
    /** Optional: a declaration without id gets `product:<gtin>:<content hash>`. */
    id: z.string().min(1).max(256).optional(),
    time: isoTime.optional(),
    source: SourceSchema.optional(),
    flags: z.array(z.string().max(64)).max(16).optional(),
    type: z.literal('product'),
    product: gtinField(),
    ...productAttributes,
  })
  .strict();

/**
 * Opens packs (cases) into what they contain at exactly the same value: the pack's FIFO layers become the
 * contents' layers (each layer's quantity × the pack size, its value unchanged), so the remainder rule holds.
 */
export const UnpackSchema = z
  .object({
    ...base,
    type: z.literal('unpack'),
    /** The pack product (its catalog entry says what it `contains`). */
    product: productKey,
    location: locationId,
    /** Whole packs opened. */
    qty: quantityString(),
    /** Unpack through several levels down to this product (pallet → case → each); default one level. */
    into: productKey.optional(),
    /** Where the contents land; default `location`. */
    to: locationId.optional(),
    /** The opened packs' own tags (a case SSCC/SGTIN read as it is opened): no longer in stock afterwards. */
    epcs: epcList.optional(),
    /** The contents' own tags, read as they come out (EPCIS childEPCs): booked serialised where they land. */
    contentEpcs: epcList.optional(),
  })
  .strict();

/** Cancels an applied transaction by posting its exact mirror image (append-only correction). */
export const ReversalSchema = z
  .object({
    ...base,
    type: z.literal('reversal'),
    of: z.string().min(1).max(256),
    reason: z.string().max(256).optional(),
  })
  .strict();

export const SupplierInvoiceSchema = supplierInvoiceSchema(base);

const TransactionUnion = z.discriminatedUnion('type', [
  ReceiptSchema,
  SaleSchema,
  CustomerReturnSchema,
  SupplierReturnSchema,
  TransferSchema,
  AdjustmentSchema,
  CountSchema,
  ProductDeclarationSchema,
  ReversalSchema,
  UnpackSchema,
  SupplierInvoiceSchema,
]);

type Parsed = z.output<typeof TransactionUnion>;
type AddIssue = (path: string, message: string) => void;

/** Transactions that move items either by `product` + `qty` or by `epcs`. */
const ITEM_TYPES: ReadonlySet<Parsed['type']> = new Set([
  'receipt',
  'sale',
  'customer_return',
  'supplier_return',
  'transfer',
]);

function refineCount(count: Extract<Parsed, { type: 'count' }>, addIssue: AddIssue): void {
  if (count.epcs === undefined) {
    if (count.qty === undefined) addIssue('qty', 'a count needs qty (with product) or epcs');
    if (count.product === undefined) addIssue('product', 'a count by qty needs the product');
  } else if (count.qty !== undefined) addIssue('qty', 'give either qty or epcs for a count, not both');
}

function refineAdjustment(adjustment: Extract<Parsed, { type: 'adjustment' }>, addIssue: AddIssue): void {
  if (adjustment.epcs === undefined) {
    if (adjustment.qty === undefined) addIssue('qty', 'an adjustment needs qty (with product) or epcs');
    if (adjustment.product === undefined) addIssue('product', 'an adjustment by qty needs the product');
  } else {
    if (adjustment.qty !== undefined) addIssue('qty', 'give either qty or epcs for an adjustment, not both');
    if (new Set(adjustment.epcs).size !== adjustment.epcs.length) addIssue('epcs', 'lists an EPC twice');
  }
}

/**
 * Cross-field rules, each checked whatever other fields are present (issue 12: a
 * missing `product` must be a 400 naming it, never a crash further in).
 */
function refineItems(
  transaction: { epcs?: string[] | undefined; qty?: string | undefined; product?: string | undefined },
  addIssue: AddIssue,
): void {
  const { epcs, qty, product } = transaction;
  if (epcs === undefined) {
    if (qty === undefined) addIssue('qty', 'required unless epcs are given');
    if (product === undefined) addIssue('product', 'required unless epcs are given');
    return;
  }
  if (qty !== undefined && qty !== String(epcs.length) && Number(qty) !== epcs.length)
    addIssue('qty', `must equal the number of epcs (${epcs.length}) when both are given`);
  if (new Set(epcs).size !== epcs.length) addIssue('epcs', 'lists an EPC twice');
}

export const TransactionSchema = TransactionUnion.superRefine((transaction, context) => {
  const addIssue: AddIssue = (path, message) =>
    context.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  if (transaction.type === 'count') return refineCount(transaction, addIssue);
  if (transaction.type === 'adjustment') return refineAdjustment(transaction, addIssue);
  if (transaction.type === 'unpack' && transaction.epcs !== undefined) return refineItems(transaction, addIssue);
  if (transaction.type === 'transfer' && transaction.from === transaction.to) addIssue('to', 'must differ from "from"');
  if (ITEM_TYPES.has(transaction.type)) refineItems(transaction as Parameters<typeof refineItems>[0], addIssue);
});

export type Transaction = z.output<typeof TransactionSchema>;
export type TransactionInput = z.input<typeof TransactionSchema>;
export type TransactionType = Transaction['type'];
export const TRANSACTION_TYPES = [
  'receipt',
  'sale',
  'customer_return',
  'supplier_return',
  'transfer',
  'adjustment',
  'count',
  'product',
  'reversal',
  'unpack',
  'supplier_invoice',
] as const satisfies readonly TransactionType[];

/** Every transaction the ledger stores has an id; declarations without one get a content-derived id. */
export type IdentifiedTransaction = Transaction & { id: string };
