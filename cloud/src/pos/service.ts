import { POS_LINES_MAX, type PosTransaction } from '../../../shared/src/contracts/pos.js';
import { makeError, type StockwireError } from '../../../shared/src/errors.js';
import type { Catalog } from '../ledger/catalog.js';
import type { ApplyResult } from '../ledger/state.js';
import type { Transaction } from '../ledger/transactions.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { PosErrors } from './errors.js';
import { mapPosTransaction, posLedgerId, type OriginalSaleLine } from './pos-to-transactions.js';

/**
 * The imperative shell around the POS mapping, shared by `POST /pos/transactions` and the MQTT consumer:
 * reads what the mapping needs (the site's shelves, the lines of a voided or returned sale), maps, and
 * applies every line in ONE store batch.
 */

export type PosOutcome =
  { kind: 'refused'; error: StockwireError } | { kind: 'booked'; results: ApplyResult[]; lineErrors: StockwireError[] };

export type PreparedPos = { kind: 'refused'; error: StockwireError } | { kind: 'mapped'; transactions: Transaction[] };

/** Reads what the mapping needs and maps; the caller applies (the API at once, the consumer in its group commit). */
export async function preparePosTransaction(
  pos: PosTransaction,
  deps: { store: LedgerStore; catalog: Catalog },
): Promise<PreparedPos> {
  const saleRef =
    pos.kind === 'void' && pos.voids !== undefined
      ? { till: pos.till, id: pos.voids }
      : pos.kind === 'return'
        ? pos.returnOf
        : undefined;
  const original = saleRef === undefined ? [] : await saleLines(deps.store, pos.site, saleRef.till, saleRef.id);
  if (pos.kind === 'return' && saleRef !== undefined && original.length === 0)
    return {
      kind: 'refused',
      error: makeError(PosErrors.UNKNOWN_SALE, { kind: 'return', sale: `${pos.site}/${saleRef.till}/${saleRef.id}` }),
    };
  const mapping = mapPosTransaction(pos, {
    catalog: deps.catalog,
    shelves: await siteShelves(deps, pos.site),
    original,
  });
  return mapping.ok
    ? { kind: 'mapped', transactions: mapping.transactions }
    : { kind: 'refused', error: mapping.error };
}

/** A line the ledger did not book (rejected or conflicting id), as the coded error the caller reports. */
export function posLineErrors(pos: PosTransaction, results: readonly ApplyResult[]): StockwireError[] {
  return results.flatMap((result, line) =>
    result.status === 'rejected' || result.status === 'conflict'
      ? [
          makeError(PosErrors.LINE_REJECTED, {
            line,
            id: `${pos.till}/${pos.id}`,
            reason: result.reason ?? result.status,
          }),
        ]
      : [],
  );
}

export async function applyPosTransaction(
  pos: PosTransaction,
  deps: { store: LedgerStore; catalog: Catalog },
): Promise<PosOutcome> {
  const prepared = await preparePosTransaction(pos, deps);
  if (prepared.kind === 'refused') return prepared;
  const results = await deps.store.applyBatch(prepared.transactions);
  return { kind: 'booked', results, lineErrors: posLineErrors(pos, results) };
}

/** Shelves of the site (catalog and registered), by id: the documented fallback order of a barcode sale. */
async function siteShelves(deps: { store: LedgerStore; catalog: Catalog }, site: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const location of deps.catalog.locations.values())
    if (location.site === site && location.kind === 'shelf') ids.add(location.id);
  for (const location of await deps.store.locations())
    if (location.site === site && location.kind === 'shelf') ids.add(location.id);
  return [...ids].sort();
}

interface SalePayload {
  type: 'sale';
  product?: string;
  epcs?: string[];
  location: string;
  unitPrice?: string;
}

/** The booked lines of a till sale, in line order (bounded by POS_LINES_MAX). */
async function saleLines(store: LedgerStore, site: string, till: string, id: string): Promise<OriginalSaleLine[]> {
  const lines: OriginalSaleLine[] = [];
  for (let line = 0; line < POS_LINES_MAX; line++) {
    const view = await store.transaction(posLedgerId(site, till, id, line));
    if (view === undefined || view.type !== 'sale' || view.result.status !== 'applied') break;
    const payload = view.payload as SalePayload;
    const epc = payload.epcs?.[0];
    const sold = epc === undefined ? undefined : (await store.epcHistory(epc)).current;
    lines.push({
      ledgerId: view.id,
      product: sold?.product ?? payload.product ?? '',
      ...(epc === undefined ? {} : { epc }),
      location: sold?.location ?? payload.location,
      ...(payload.unitPrice === undefined ? {} : { unitPrice: payload.unitPrice }),
    });
  }
  return lines;
}
