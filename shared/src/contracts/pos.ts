import { z } from 'zod';
import { EpcUrnSchema } from './epcis.js';
import { ID_PATTERN } from './topics.js';

/**
 * The point-of-sale contract: what a till sends (MQTT `stockwire/v1/<site>/pos/<till>/transactions`, QoS 1,
 * or HTTP `POST /pos/transactions`). One message is one till transaction: a sale, a return or a void.
 * Quantities and money are decimal strings (never binary floats); the cloud checks that the tender
 * pays exactly for the lines. `(site, till, id)` is the idempotency key end to end.
 */

export const POS_LINES_MAX = 500;
export const POS_TENDERS_MAX = 16;

/** Up to 3 decimals (weighed goods), never negative. */
const quantityText = z.string().regex(/^\d{1,12}(\.\d{1,3})?$/, 'must be a decimal quantity like 1 or 0.25');
/** Money to 4 decimals like the ledger's journal, never negative. */
const moneyText = z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, 'must be a decimal amount like 4.99');
const isoTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO 8601 date-time with a zone',
  );
const posId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 of A-Z a-z 0-9 . _ : -');

/** A line names the product by barcode (GTIN) or by the RFID tag read at the till (EPC): exactly one. */
export const PosLineSchema = z
  .object({
    gtin: z
      .string()
      .regex(/^\d{8}$|^\d{12,14}$/, 'must be a GTIN-8, -12, -13 or -14')
      .optional(),
    epc: EpcUrnSchema.optional(),
    /** Default 1; an EPC line is always one item. */
    qty: quantityText.default('1'),
    /** Price per unit, tax included as rung up. */
    unitPrice: moneyText,
  })
  .strict()
  .superRefine((line, context) => {
    if ((line.gtin === undefined) === (line.epc === undefined))
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['gtin'], message: 'give exactly one of gtin or epc' });
    if (line.epc !== undefined && line.qty !== '1')
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['qty'], message: 'an EPC line is one item (qty 1)' });
  });

export const PosTenderSchema = z
  .object({
    kind: z.enum(['cash', 'card', 'voucher', 'other']),
    amount: moneyText,
  })
  .strict();

export const PosTransactionSchema = z
  .object({
    /** The till's own transaction number (unique per till): the idempotency key with site and till. */
    id: posId,
    kind: z.enum(['sale', 'return', 'void']),
    site: z.string().regex(ID_PATTERN).max(64),
    till: z.string().regex(ID_PATTERN).max(64),
    time: isoTime,
    /** Sale and return: the lines; a void carries none (it cancels `voids` whole). */
    lines: z.array(PosLineSchema).max(POS_LINES_MAX).default([]),
    tender: z.array(PosTenderSchema).max(POS_TENDERS_MAX).default([]),
    /** Void: the id of the sale (same till) it cancels. */
    voids: posId.optional(),
    /** Return: the id of the sale (same site, any till) the items were bought in; their cost comes from it. */
    returnOf: z
      .object({ till: z.string().regex(ID_PATTERN).max(64), id: posId })
      .strict()
      .optional(),
    /** Where the sold items were (or returned items go); default the till's location or the site's sales floor. */
    location: z.string().min(1).max(256).optional(),
  })
  .strict()
  .superRefine((transaction, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    if (transaction.kind === 'void') {
      if (transaction.voids === undefined) issue('voids', 'a void names the sale it cancels');
      if (transaction.lines.length > 0) issue('lines', 'a void carries no lines: it cancels the whole sale');
    } else {
      if (transaction.lines.length === 0) issue('lines', `a ${transaction.kind} needs at least one line`);
      if (transaction.voids !== undefined) issue('voids', 'only a void names a sale to cancel');
    }
    if (transaction.returnOf !== undefined && transaction.kind !== 'return')
      issue('returnOf', 'only a return names the sale it returns');
  });

export type PosTransaction = z.output<typeof PosTransactionSchema>;
export type PosTransactionInput = z.input<typeof PosTransactionSchema>;
export type PosLine = z.output<typeof PosLineSchema>;
