import { z } from 'zod';
import { ACCOUNTS, decimalString } from './catalog.js';
import type { Booking } from './booking.js';
import { MONEY_SCALE, parseTrusted } from './decimal.js';
import { LedgerErrors } from './errors.js';
import { reject } from './booking.js';

/**
 * A supplier invoice matched to goods received (three-way match done by cloud/src/receiving):
 * it clears GRNI at the value the goods were received at and owes the supplier the invoiced
 * value; the difference is Purchase Price Variance. No stock moves.
 *
 *   Dr GRNI                      Σ receivedValue
 *   Dr/Cr Purchase Price Variance Σ (invoicedValue − receivedValue)
 *   Cr Accounts Payable          Σ invoicedValue
 */
const money = () => decimalString(MONEY_SCALE);

export const SUPPLIER_INVOICE_LINES_MAX = 1_000;

export const SupplierInvoiceLineSchema = z
  .object({
    purchaseOrder: z.string().min(1).max(128),
    line: z.number().int().min(1).max(10_000),
    product: z.string().min(1).max(64),
    qty: decimalString(3),
    /** Value the matched goods were received at (PO price × quantity): what leaves GRNI. */
    receivedValue: money(),
    /** Value the supplier invoiced for them: what is owed. */
    invoicedValue: money(),
  })
  .strict();

export function supplierInvoiceSchema<T extends z.ZodRawShape>(base: T) {
  return z
    .object({
      ...base,
      type: z.literal('supplier_invoice'),
      supplier: z.string().min(1).max(128),
      invoiceNumber: z.string().min(1).max(128),
      lines: z.array(SupplierInvoiceLineSchema).min(1).max(SUPPLIER_INVOICE_LINES_MAX),
    })
    .strict();
}

type InvoiceLine = z.output<typeof SupplierInvoiceLineSchema>;

export function applySupplierInvoice(booking: Booking, transaction: { lines: readonly InvoiceLine[] }): void {
  let received = 0n;
  let invoiced = 0n;
  for (const line of transaction.lines) {
    const receivedValue = parseTrusted(line.receivedValue, MONEY_SCALE);
    const invoicedValue = parseTrusted(line.invoicedValue, MONEY_SCALE);
    if (receivedValue <= 0n || invoicedValue < 0n)
      reject(LedgerErrors.ZERO_QUANTITY, { type: 'supplier_invoice', product: line.product });
    received += receivedValue;
    invoiced += invoicedValue;
  }
  booking.post(ACCOUNTS.grni, received);
  booking.post(ACCOUNTS.purchasePriceVariance, invoiced - received);
  booking.post(ACCOUNTS.accountsPayable, -invoiced);
}
