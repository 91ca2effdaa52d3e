import { formatMoney, formatQuantity, MONEY_SCALE, parseTrusted, QUANTITY_SCALE } from '../ledger/decimal.js';
import type {
  LineBooking,
  PurchaseOrder,
  PurchaseOrderInput,
  PurchaseOrderLine,
  PurchaseOrderStatus,
} from './schemas.js';

/**
 * Purchase orders, pure: creation, receiving against lines, status, tolerance. A PO is a
 * plain document; every change returns a new one (the store writes it with a version check).
 */

export const qty = (text: string): bigint => parseTrusted(text, QUANTITY_SCALE);
export const money = (text: string): bigint => parseTrusted(text, MONEY_SCALE);

export function createPurchaseOrder(input: PurchaseOrderInput, nowIso: string): PurchaseOrder {
  return {
    id: input.id,
    supplier: input.supplier,
    site: input.site,
    orderedAt: input.orderedAt ?? nowIso,
    status: 'open',
    invoices: [],
    lines: input.lines.map((line, index) => ({
      line: index + 1,
      gtin: line.gtin,
      qty: formatQuantity(qty(line.qty)),
      unitPrice: line.unitPrice,
      tolerancePercent: line.tolerancePercent,
      receivedQty: '0',
      receivedValue: '0',
      invoicedQty: '0',
      clearedValue: '0',
      bookings: [],
    })),
  };
}

export function outstandingQty(line: PurchaseOrderLine): bigint {
  const left = qty(line.qty) - qty(line.receivedQty);
  return left > 0n ? left : 0n;
}

/** Ordered quantity plus its tolerance, in quantity units (exact: percent × qty / 100, rounded down). */
export function toleratedQty(line: PurchaseOrderLine): bigint {
  const ordered = qty(line.qty);
  const basisPoints = BigInt(Math.round(line.tolerancePercent * 100));
  return ordered + (ordered * basisPoints) / 10_000n;
}

export function isOverReceived(line: PurchaseOrderLine): boolean {
  return qty(line.receivedQty) > toleratedQty(line);
}

export function isReceivable(order: PurchaseOrder): boolean {
  return order.status === 'open' || order.status === 'partially_received';
}

/** Status from the lines; closed and cancelled are final. */
export function statusOf(order: PurchaseOrder): PurchaseOrderStatus {
  if (order.status === 'closed' || order.status === 'cancelled') return order.status;
  const received = order.lines.map((line) => qty(line.receivedQty));
  if (received.every((each) => each === 0n)) return 'open';
  return order.lines.every((line) => outstandingQty(line) === 0n) ? 'received' : 'partially_received';
}

/** Records what the ledger booked for a line; idempotent per ledger transaction id. */
export function recordBooking(order: PurchaseOrder, lineNumber: number, booking: LineBooking): PurchaseOrder {
  const lines = order.lines.map((line) => {
    if (line.line !== lineNumber || line.bookings.some((each) => each.transactionId === booking.transactionId))
      return line;
    return {
      ...line,
      receivedQty: formatQuantity(qty(line.receivedQty) + qty(booking.qty)),
      receivedValue: formatMoney(money(line.receivedValue) + money(booking.value)),
      bookings: [...line.bookings, booking],
    };
  });
  const updated = { ...order, lines };
  return { ...updated, status: statusOf(updated) };
}

export interface Allocation {
  purchaseOrder: string;
  line: number;
  unitPrice: string;
  qty: bigint;
}

/**
 * Splits a received quantity of one GTIN over open PO lines, oldest PO first, each up to its
 * outstanding quantity; what is left goes to the newest matching line (an over-receipt, flagged by
 * tolerance). `orders` are the candidates (one site, maybe one supplier), any order.
 */
export function allocateByGtin(orders: readonly PurchaseOrder[], gtin: string, received: bigint): Allocation[] {
  const candidates = orders
    .filter(isReceivable)
    .sort((a, b) => (a.orderedAt === b.orderedAt ? (a.id < b.id ? -1 : 1) : a.orderedAt < b.orderedAt ? -1 : 1))
    .flatMap((order) => order.lines.filter((line) => line.gtin === gtin).map((line) => ({ order, line })));
  const allocations: Allocation[] = [];
  let left = received;
  for (const { order, line } of candidates) {
    if (left === 0n) break;
    const take = outstandingQty(line) < left ? outstandingQty(line) : left;
    if (take === 0n) continue;
    allocations.push({ purchaseOrder: order.id, line: line.line, unitPrice: line.unitPrice, qty: take });
    left -= take;
  }
  const last = candidates.at(-1);
  if (left > 0n && last) {
    const existing = allocations.find((each) => each.purchaseOrder === last.order.id && each.line === last.line.line);
    if (existing) existing.qty += left;
    else
      allocations.push({
        purchaseOrder: last.order.id,
        line: last.line.line,
        unitPrice: last.line.unitPrice,
        qty: left,
      });
  }
  return allocations;
}

/** The line of one PO that receives a GTIN (ASN receipts name their PO): the first with outstanding, else the first. */
export function lineForGtin(order: PurchaseOrder, gtin: string): PurchaseOrderLine | undefined {
  const lines = order.lines.filter((line) => line.gtin === gtin);
  return lines.find((line) => outstandingQty(line) > 0n) ?? lines[0];
}
