import { canonicalJson, sha256Hex } from '../../../shared/src/contracts/event-id.js';
import { makeError, type StockwireError } from '../../../shared/src/errors.js';
import { resolveProductKey, type Catalog } from '../ledger/catalog.js';
import { parseTrusted, QUANTITY_SCALE, formatQuantity } from '../ledger/decimal.js';
import type { LedgerStore, LocationRow } from '../store/ledger-store.js';
import { decideReservation } from './availability.js';
import type { ReservationRecord, ReservationRequest } from './contract.js';
import { ReservationErrors } from './errors.js';
import { statusOf, type ReservationStore } from './store.js';

export type ReserveOutcome =
  | { kind: 'reserved' | 'duplicate'; record: ReservationRecord }
  | { kind: 'unavailable'; error: StockwireError; lines: { product: string; requested: string; available: string }[] }
  | { kind: 'refused'; error: StockwireError; status: 404 | 409 | 422 };

export type CloseOutcome = { kind: 'closed'; record: ReservationRecord } | (ReserveOutcome & { kind: 'refused' });

/** Locations whose stock can be promised: not what is still on a truck or passing a dock door. */
const UNSELLABLE_KINDS = new Set(['in_transit', 'dock_door']);

/**
 * Reservations and available-to-promise over the ledger: reads on hand from the ledger store, decides with
 * the pure `decideReservation` inside the reservation store's exclusive section, writes the hold.
 */
export class ReservationService {
  private readonly listeners = new Set<() => void>();

  /** Called after a hold is taken or ends (open demand changed): the overselling-risk alert re-evaluates. */
  onDemandChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private demandChanged(): void {
    for (const listener of this.listeners) listener();
  }

  constructor(
    private readonly deps: { store: ReservationStore; ledger: LedgerStore; catalog: Catalog; nowMs: () => number },
  ) {}

  async reserve(request: ReservationRequest): Promise<ReserveOutcome> {
    const nowMs = this.deps.nowMs();
    const locations = await this.deps.ledger.locations();
    const location = request.location === undefined ? undefined : locations.find((row) => row.id === request.location);
    if (request.location !== undefined && location === undefined)
      return refused(422, ReservationErrors.UNKNOWN_LOCATION, { location: request.location });
    const site = location?.site ?? request.site ?? '';
    const lines = request.lines.map((line) => ({
      ...line,
      product: resolveProductKey(this.deps.catalog, line.product) ?? line.product,
    }));
    const requestHash = sha256Hex(canonicalJson({ ...request, lines }));
    return this.deps.store.exclusive(async (session) => {
      await session.expire(nowMs);
      const existing = await session.get(request.orderId);
      if (existing !== undefined)
        return existing.requestHash === requestHash
          ? { kind: 'duplicate', record: existing }
          : refused(409, ReservationErrors.ID_CONFLICT, { orderId: request.orderId });
      const decision = decideReservation({
        lines,
        location: location?.id,
        ...(await this.onHand(
          site,
          location?.id,
          lines.map((line) => line.product),
          locations,
        )),
        open: await session.listOpen(nowMs, site),
        allowsBackorder: (product) => this.deps.catalog.products.get(product)?.allowBackorder === true,
      });
      if (decision.kind === 'unavailable') {
        const wanted = decision.lines.map((line) => `${line.requested} × ${line.product}`).join(', ');
        const available = decision.lines.map((line) => `${line.available} × ${line.product}`).join(', ');
        return {
          kind: 'unavailable',
          error: makeError(ReservationErrors.UNAVAILABLE, { wanted, available }),
          lines: decision.lines,
        };
      }
      const expiresMs =
        request.expiresAt !== undefined ? Date.parse(request.expiresAt) : nowMs + (request.ttlSeconds ?? 0) * 1000;
      const record: ReservationRecord = {
        id: request.orderId,
        orderId: request.orderId,
        ...(request.channel === undefined ? {} : { channel: request.channel }),
        site,
        ...(location === undefined ? {} : { location: location.id }),
        status: 'open',
        createdAt: new Date(nowMs).toISOString(),
        expiresAt: new Date(expiresMs).toISOString(),
        expiresMs,
        lines: decision.lines,
        requestHash,
      };
      await session.put(record);
      this.demandChanged();
      return { kind: 'reserved', record };
    });
  }

  /** Fulfilled by a ledger transaction (the sale or shipment that took the stock), or cancelled: the hold ends. */
  async close(id: string, how: { fulfilledBy: string } | { cancel: true }): Promise<CloseOutcome> {
    if ('fulfilledBy' in how) {
      const transaction = await this.deps.ledger.transaction(how.fulfilledBy);
      if (transaction === undefined || transaction.result.status !== 'applied')
        return refused(422, ReservationErrors.UNKNOWN_TRANSACTION, { transactionId: how.fulfilledBy });
    }
    const nowMs = this.deps.nowMs();
    return this.deps.store.exclusive(async (session) => {
      const record = await session.get(id);
      if (record === undefined) return refused(404, ReservationErrors.NOT_OPEN, { id, status: 'unknown' });
      const status = statusOf(record, nowMs);
      if (status !== 'open') return refused(409, ReservationErrors.NOT_OPEN, { id, status });
      const closed: ReservationRecord = {
        ...record,
        status: 'fulfilledBy' in how ? 'fulfilled' : 'cancelled',
        ...('fulfilledBy' in how ? { fulfilledBy: how.fulfilledBy } : {}),
        closedAt: new Date(nowMs).toISOString(),
      };
      await session.put(closed);
      this.demandChanged();
      return { kind: 'closed', record: closed };
    });
  }

  async get(id: string): Promise<ReservationRecord | undefined> {
    const record = await this.deps.store.get(id);
    return record === undefined ? undefined : { ...record, status: statusOf(record, this.deps.nowMs()) };
  }

  /** Open demand per product × site (and per location for location holds): what /stock and the alerts subtract. */
  async openDemand(site?: string): Promise<{ product: string; site: string; location?: string; qty: string }[]> {
    const totals = new Map<string, { product: string; site: string; location?: string; qty: bigint }>();
    for (const record of await this.deps.store.listOpen(this.deps.nowMs(), site))
      for (const line of record.lines) {
        const key = `${line.product}|${record.site}|${record.location ?? ''}`;
        const total = totals.get(key) ?? {
          product: line.product,
          site: record.site,
          ...(record.location === undefined ? {} : { location: record.location }),
          qty: 0n,
        };
        total.qty += parseTrusted(line.qty, QUANTITY_SCALE);
        totals.set(key, total);
      }
    return [...totals.values()].map((total) => ({ ...total, qty: formatQuantity(total.qty) }));
  }

  /** Open demand per product × site (location holds included): the overselling-risk alert's input. */
  async openDemandBySite(): Promise<{ product: string; site: string; openQty: string }[]> {
    const totals = new Map<string, { product: string; site: string; qty: bigint }>();
    for (const line of await this.openDemand()) {
      const key = `${line.product}|${line.site}`;
      const total = totals.get(key) ?? { product: line.product, site: line.site, qty: 0n };
      total.qty += parseTrusted(line.qty, QUANTITY_SCALE);
      totals.set(key, total);
    }
    return [...totals.values()].map((total) => ({
      product: total.product,
      site: total.site,
      openQty: formatQuantity(total.qty),
    }));
  }

  private async onHand(site: string, location: string | undefined, products: string[], locations: LocationRow[]) {
    const kinds = new Map(locations.map((row) => [row.id, row.kind] as const));
    const onHandSite = new Map<string, bigint>();
    const onHandLocation = new Map<string, bigint>();
    for (const product of products)
      for (const row of await this.deps.ledger.stock({ product, site })) {
        const qty = parseTrusted(row.qty, QUANTITY_SCALE);
        if (!UNSELLABLE_KINDS.has(kinds.get(row.location) ?? ''))
          onHandSite.set(product, (onHandSite.get(product) ?? 0n) + qty);
        if (row.location === location) onHandLocation.set(product, qty);
      }
    return { onHandSite, onHandLocation };
  }
}

function refused(
  status: 404 | 409 | 422,
  definition: { code: string; message: string },
  details: Record<string, string>,
): { kind: 'refused'; error: StockwireError; status: 404 | 409 | 422 } {
  return { kind: 'refused', error: makeError(definition, details), status };
}
