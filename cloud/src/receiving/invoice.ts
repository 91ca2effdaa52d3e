import { raise } from '../../../shared/src/errors.js';
import {
  extendValue,
  formatMoney,
  formatQuantity,
  parseTrusted,
  proportionalValue,
  UNIT_COST_SCALE,
} from '../ledger/decimal.js';
import { TransactionSchema, type Transaction } from '../ledger/transactions.js';
import { ReceivingErrors } from './errors.js';
import { money, qty } from './purchase-orders.js';
import type { PurchaseOrder, SupplierInvoiceInput } from './schemas.js';

/**
 * Three-way match, pure: each invoice line names a PO line (the order), may bill at most what was
 * received and not yet invoiced there (the receipt), at its own price (the invoice). GRNI is cleared
 * at the value the goods were received at — the exact rest when the line is invoiced in full,
 * else its proportional share — and the difference to the invoiced value is Purchase Price Variance.
 */

export interface InvoiceMatch {
  transaction: Extract<Transaction, { type: 'supplier_invoice' }>;
  /** The POs with their invoiced quantities and cleared values advanced. */
  orders: PurchaseOrder[];
}

export function matchSupplierInvoice(
  input: SupplierInvoiceInput,
  orders: ReadonlyMap<string, PurchaseOrder>,
  nowIso: string,
): InvoiceMatch {
  const updated = new Map<string, PurchaseOrder>();
  const lines = input.lines.map((invoiceLine) => {
    const order = updated.get(invoiceLine.purchaseOrder) ?? orders.get(invoiceLine.purchaseOrder);
    if (!order) return raise(ReceivingErrors.UNKNOWN_PURCHASE_ORDER, { id: invoiceLine.purchaseOrder });
    if (order.supplier !== input.supplier)
      raise(ReceivingErrors.SUPPLIER_MISMATCH, { id: order.id, expected: order.supplier, supplier: input.supplier });
    const line = order.lines.find((each) => each.line === invoiceLine.line);
    if (!line) return raise(ReceivingErrors.UNKNOWN_LINE, { id: order.id, line: invoiceLine.line, detail: '' });
    const billed = qty(invoiceLine.qty);
    const uninvoiced = qty(line.receivedQty) - qty(line.invoicedQty);
    if (billed > uninvoiced)
      raise(ReceivingErrors.INVOICE_EXCEEDS_RECEIPT, {
        id: order.id,
        line: line.line,
        qty: invoiceLine.qty,
        uninvoiced: formatQuantity(uninvoiced > 0n ? uninvoiced : 0n),
      });
    const unclearedValue = money(line.receivedValue) - money(line.clearedValue);
    const receivedValue =
      billed === uninvoiced ? unclearedValue : proportionalValue(unclearedValue, billed, uninvoiced);
    const invoicedValue = extendValue(billed, parseTrusted(invoiceLine.unitPrice, UNIT_COST_SCALE));
    const lines = order.lines.map((each) =>
      each.line === line.line
        ? {
            ...each,
            invoicedQty: formatQuantity(qty(each.invoicedQty) + billed),
            clearedValue: formatMoney(money(each.clearedValue) + receivedValue),
          }
        : each,
    );
    const invoices = order.invoices.includes(input.id) ? order.invoices : [...order.invoices, input.id];
    updated.set(order.id, { ...order, lines, invoices });
    return {
      purchaseOrder: order.id,
      line: line.line,
      product: line.gtin,
      qty: formatQuantity(billed),
      receivedValue: formatMoney(receivedValue),
      invoicedValue: formatMoney(invoicedValue),
    };
  });
  const transaction = TransactionSchema.parse({
    id: `invoice:${input.id}`,
    type: 'supplier_invoice',
    time: nowIso,
    source: { kind: 'api' },
    supplier: input.supplier,
    invoiceNumber: input.invoiceNumber,
    lines,
  });
  return { transaction: transaction as InvoiceMatch['transaction'], orders: [...updated.values()] };
}
