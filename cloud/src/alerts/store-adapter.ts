import type { CloudEvents, PositionChange } from '../events.js';
import { FifoAgeingTracker, type FifoTrackerLimits, type MovementLike } from './fifo-tracker.js';
import type { AnalyticsLedgerView, MissingEpcView, PositionView, ProductView, SaleView } from './view.js';

/**
 * The slice of the ledger store analytics reads, typed structurally so analytics does not
 * depend on the store module (any store with these methods fits, including test doubles).
 */
export interface LedgerStoreLike {
  stock(): Promise<
    { product: string; location: string; site: string; qty: string; available?: string; value: string }[]
  >;
  products(): Promise<{ gtin: string; name?: string; reorderPoint?: string; reorderQty?: string }[]>;
  salesHistory(product: string, site: string | undefined, sinceMs: number): Promise<{ time: string; qty: string }[]>;
  entries(query?: {
    after?: number;
    limit?: number;
  }): Promise<{ items: (MovementLike & { seq: number })[]; nextAfter: number | null }>;
  /** Optional: stores with item-level state enable the missing-EPC shrinkage rule. */
  locations?(): Promise<{ id: string; kind: string }[]>;
  epcsWhere?(query: {
    status: 'in_stock' | 'missing';
    locations?: readonly string[];
    limit: number;
  }): Promise<{ epc: string; product: string; location: string; time: string }[]>;
}

export interface StoreViewOptions {
  tracker?: FifoTrackerLimits;
  /** Ledger entries replayed at start to date the FIFO layers; older history beyond it is not read. */
  bootstrapEntriesMax?: number;
  /** Entries per page while bootstrapping. */
  bootstrapPageSize?: number;
  /** EPCs read per status for the missing-EPC rule (each evaluation); default 10,000. */
  missingEpcsMax?: number;
}

export interface StoreView {
  view: AnalyticsLedgerView;
  tracker: FifoAgeingTracker;
  /** Entries replayed at start. */
  bootstrappedEntries: number;
  detach(): void;
}

/**
 * Adapts the ledger store to AnalyticsLedgerView. FIFO receipt dates and last outbound
 * times come from a FifoAgeingTracker, bootstrapped from the store's entries and then
 * kept current from `positionsChanged`. The listener is attached BEFORE the replay and
 * every change is reconciled to the ledger's `qtyAfter`, so nothing falls between the two.
 */
export async function createStoreView(
  store: LedgerStoreLike,
  events: CloudEvents,
  options: StoreViewOptions = {},
): Promise<StoreView> {
  const tracker = new FifoAgeingTracker(options.tracker);
  const onPositions = (changes: PositionChange[]): void => tracker.apply(changes);
  events.on('positionsChanged', onPositions);
  const replayed = await replayEntries(store, tracker, options);
  const view = ledgerView(store, tracker);
  const missingEpcs = missingEpcsReader(store, options.missingEpcsMax ?? 10_000);
  if (missingEpcs) view.missingEpcs = missingEpcs;
  return { view, tracker, bootstrappedEntries: replayed, detach: () => events.off('positionsChanged', onPositions) };
}

/** Feeds the store's entries to the tracker page by page, up to `bootstrapEntriesMax`; returns how many. */
async function replayEntries(
  store: LedgerStoreLike,
  tracker: FifoAgeingTracker,
  options: StoreViewOptions,
): Promise<number> {
  const entriesMax = options.bootstrapEntriesMax ?? 1_000_000;
  const pageSize = options.bootstrapPageSize ?? 1_000;
  let replayed = 0;
  let after: number | undefined;
  while (replayed < entriesMax) {
    const page = await store.entries({
      ...(after === undefined ? {} : { after }),
      limit: Math.min(pageSize, entriesMax - replayed),
    });
    tracker.apply(page.items);
    replayed += page.items.length;
    if (page.nextAfter === null || page.items.length === 0) break;
    after = page.nextAfter;
  }
  return replayed;
}

function ledgerView(store: LedgerStoreLike, tracker: FifoAgeingTracker): AnalyticsLedgerView {
  return {
    async positions(): Promise<PositionView[]> {
      const rows = await store.stock();
      return rows.map((row) => ({
        product: row.product,
        location: row.location,
        site: row.site,
        qty: row.qty,
        availableQty: row.available,
        value: row.value,
        lastOutboundTime: tracker.lastOutboundTime(row.product, row.location),
      }));
    },
    async products(): Promise<ProductView[]> {
      const rows = await store.products();
      return rows.map((row) => ({
        product: row.gtin,
        name: row.name,
        reorderPoint: row.reorderPoint ?? null,
        reorderQty: row.reorderQty ?? null,
      }));
    },
    async layers() {
      return tracker.layers();
    },
    async salesHistory(product: string, site: string | undefined, sinceMs: number): Promise<SaleView[]> {
      const rows = await store.salesHistory(product, site, sinceMs);
      return rows.map((row) => ({ time: row.time, qty: row.qty }));
    },
  };
}

/** The missing-EPC query, when the store keeps item-level state (undefined otherwise: the rule stays off). */
function missingEpcsReader(store: LedgerStoreLike, limit: number): (() => Promise<MissingEpcView[]>) | undefined {
  const epcsWhere = store.epcsWhere?.bind(store);
  const locations = store.locations?.bind(store);
  if (!epcsWhere || !locations) return undefined;
  // Missing = a count did not find it, or a shelf lost it and it sits on the sales floor unsold;
  // the rule itself waits goneMs from the last move before it alerts.
  return async (): Promise<MissingEpcView[]> => {
    const floors = (await locations())
      .filter((location) => location.kind === 'sales_floor')
      .map((location) => location.id);
    const rows = [
      ...(await epcsWhere({ status: 'missing', limit })),
      ...(floors.length > 0 ? await epcsWhere({ status: 'in_stock', locations: floors, limit }) : []),
    ];
    return rows.map((row) => ({
      epc: row.epc,
      product: row.product,
      location: row.location,
      missingSinceTime: row.time,
    }));
  };
}
