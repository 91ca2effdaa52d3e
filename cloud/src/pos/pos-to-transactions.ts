import type { PosLine, PosTransaction } from '../../../shared/src/contracts/pos.js';
import { formatIssues } from '../../../shared/src/zod-issues.js';
import { makeError, type StockwireError } from '../../../shared/src/errors.js';
import { siteSalesFloorLocation, type Catalog } from '../ledger/catalog.js';
import {
  extendValue,
  formatMoney,
  MONEY_SCALE,
  parseTrusted,
  QUANTITY_SCALE,
  UNIT_COST_SCALE,
} from '../ledger/decimal.js';
import { gtinOfEpcUrn } from '../ledger/epc-product.js';
import { TransactionSchema, type Transaction, type TransactionInput } from '../ledger/transactions.js';
import { PosErrors } from './errors.js';

/**
 * Pure mapping of one till transaction to ledger transactions, one per line, ids
 * `pos:<site>:<till>:<id>:<line>` (so a resent till transaction is a duplicate line by line):
 *
 * | till kind | ledger transaction per line |
 * |---|---|
 * | sale, GTIN line | `sale` of product × qty at `unitPrice` from the sale location, then the site's shelves (`alsoFrom`) |
 * | sale, EPC line | `sale` of that EPC from where the ledger has it (the sale location if unknown) |
 * | return | `customer_return` at the return location, at the cost of the original sale's line of that product (`returnOf`) |
 * | void | per line of the voided sale: `reversal` (GTIN line), `customer_return` of the EPC to where it was sold (EPC line) |
 *
 * The sale location is the transaction's `location`, else the site's sales floor: items shoppers take off a shelf
 * are booked there by the shelf's `removing` event, and a barcode sale of an item still on a shelf falls back to
 * the shelves. Bad input is returned as a coded error, never thrown.
 */

export interface OriginalSaleLine {
  ledgerId: string;
  /** GTIN-14 of the line. */
  product: string;
  epc?: string;
  /** Where the line's stock left from (for an EPC: where the ledger had it). */
  location: string;
  unitPrice?: string;
}

export interface PosMappingContext {
  catalog: Catalog;
  /** The site's shelves, in the order a barcode sale falls back to them. */
  shelves: readonly string[];
  /** The lines of the sale a void cancels or a return refers to (empty when unknown). */
  original: readonly OriginalSaleLine[];
}

export type PosMapping = { ok: true; transactions: Transaction[] } | { ok: false; error: StockwireError };

export const posLedgerId = (site: string, till: string, id: string, line: number): string =>
  `pos:${site}:${till}:${id}:${line}`;

/** GTIN-8/12/13 are GTIN-14 with leading zeros. */
export const toGtin14 = (gtin: string): string => gtin.padStart(14, '0');

export function productOfLine(line: PosLine): string | undefined {
  return line.gtin !== undefined ? toGtin14(line.gtin) : gtinOfEpcUrn(line.epc ?? '');
}

/** Σ round(qty × unitPrice) per line, money scale: the amount the tender must pay. */
export function amountDue(lines: readonly PosLine[]): bigint {
  const priceScale = 10n ** BigInt(UNIT_COST_SCALE - MONEY_SCALE);
  return lines.reduce(
    (sum, line) =>
      sum + extendValue(parseTrusted(line.qty, QUANTITY_SCALE), parseTrusted(line.unitPrice, MONEY_SCALE) * priceScale),
    0n,
  );
}

export function mapPosTransaction(pos: PosTransaction, context: PosMappingContext): PosMapping {
  if (pos.kind !== 'void') {
    const due = amountDue(pos.lines);
    const tendered = pos.tender.reduce((sum, tender) => sum + parseTrusted(tender.amount, MONEY_SCALE), 0n);
    if (due !== tendered)
      return {
        ok: false,
        error: makeError(PosErrors.TENDER_MISMATCH, { tendered: formatMoney(tendered), due: formatMoney(due) }),
      };
  }
  if (pos.kind === 'void' && context.original.length === 0)
    return {
      ok: false,
      error: makeError(PosErrors.UNKNOWN_SALE, { kind: 'void', sale: `${pos.site}/${pos.till}/${pos.voids ?? ''}` }),
    };
  const inputs =
    pos.kind === 'sale'
      ? saleLines(pos, context)
      : pos.kind === 'return'
        ? returnLines(pos, context)
        : voidLines(pos, context);
  const transactions: Transaction[] = [];
  for (const input of inputs) {
    const parsed = TransactionSchema.safeParse(input);
    if (!parsed.success)
      return {
        ok: false,
        error: makeError(PosErrors.SCHEMA, { issues: formatIssues(parsed.error.issues.slice(0, 20)) }),
      };
    transactions.push(parsed.data);
  }
  return { ok: true, transactions };
}

function common(pos: PosTransaction, line: number) {
  return {
    id: posLedgerId(pos.site, pos.till, pos.id, line),
    time: pos.time,
    site: pos.site,
    source: { kind: 'pos' as const, eventId: `${pos.till}/${pos.id}` },
  };
}

const saleLocation = (pos: PosTransaction, catalog: Catalog): string =>
  pos.location ?? siteSalesFloorLocation(catalog, pos.site);

function saleLines(pos: PosTransaction, context: PosMappingContext): TransactionInput[] {
  const location = saleLocation(pos, context.catalog);
  const alsoFrom = context.shelves.filter((shelf) => shelf !== location);
  return pos.lines.map((line, index) =>
    line.epc !== undefined
      ? { ...common(pos, index), type: 'sale', epcs: [line.epc], location, unitPrice: line.unitPrice }
      : {
          ...common(pos, index),
          type: 'sale',
          product: toGtin14(line.gtin ?? ''),
          location,
          qty: line.qty,
          unitPrice: line.unitPrice,
          ...(alsoFrom.length > 0 ? { alsoFrom } : {}),
        },
  );
}

function returnLines(pos: PosTransaction, context: PosMappingContext): TransactionInput[] {
  const location = saleLocation(pos, context.catalog);
  return pos.lines.map((line, index) => {
    const product = productOfLine(line);
    const original = context.original.find((candidate) => candidate.product === product);
    const of = original === undefined ? {} : { of: original.ledgerId };
    return line.epc !== undefined
      ? { ...common(pos, index), type: 'customer_return', epcs: [line.epc], location, unitPrice: line.unitPrice, ...of }
      : {
          ...common(pos, index),
          type: 'customer_return',
          product: toGtin14(line.gtin ?? ''),
          location,
          qty: line.qty,
          unitPrice: line.unitPrice,
          ...of,
        };
  });
}

/** A void is the mirror of its sale: reversals for quantity lines; an EPC line's item goes back where it was sold. */
function voidLines(pos: PosTransaction, context: PosMappingContext): TransactionInput[] {
  return context.original.map((original, index) =>
    original.epc !== undefined
      ? {
          ...common(pos, index),
          type: 'customer_return',
          epcs: [original.epc],
          location: original.location,
          of: original.ledgerId,
          ...(original.unitPrice === undefined ? {} : { unitPrice: original.unitPrice }),
        }
      : { ...common(pos, index), type: 'reversal', of: original.ledgerId, reason: `void ${pos.till}/${pos.id}` },
  );
}
