/**
 * The narrow read-only view of the ledger that analytics needs (alerts, forecast,
 * dashboard). The cloud's composition root adapts the ledger store to it; analytics never
 * imports the store. Quantities are the ledger's exact decimal strings, times ISO 8601.
 */
export interface PositionView {
  product: string; // GTIN-14
  location: string;
  /** The site the location belongs to (used for per-site low stock, overselling and forecasts). */
  site: string;
  /** On hand. */
  qty: string;
  /** What can be sold or moved now, if the ledger tells it apart from on hand (low stock uses it). */
  availableQty?: string | undefined;
  value: string;
  /** Time of the last outbound movement (sale, shipment, transfer out) from this position; null if none. */
  lastOutboundTime: string | null;
}

export interface ProductView {
  product: string;
  name?: string | undefined;
  /** Reorder point and quantity as decimal strings; null = no replenishment rule. */
  reorderPoint: string | null;
  reorderQty: string | null;
}

/** An open FIFO layer (remaining > 0) with its receipt date. */
export interface LayerView {
  product: string;
  location: string;
  receivedTime: string;
  remainingQty: string;
}

/** An EPC that left its shelf (removing) and has not been sold or seen elsewhere since. */
export interface MissingEpcView {
  epc: string;
  product: string;
  location: string;
  missingSinceTime: string;
}

/** Demand accepted but not yet fulfilled (orders, reservations), per product and site. */
export interface OpenDemandView {
  product: string;
  site: string;
  openQty: string;
}

export interface SaleView {
  time: string;
  qty: string;
}

export interface AnalyticsLedgerView {
  positions(): Promise<PositionView[]>;
  products(): Promise<ProductView[]>;
  layers(): Promise<LayerView[]>;
  /** Sales (positive quantities) of a product at a site (all sites when undefined) since `sinceMs`. */
  salesHistory(product: string, site: string | undefined, sinceMs: number): Promise<SaleView[]>;
  /** Optional: stores without EPC state or orders leave these out and the rules are skipped. */
  missingEpcs?(): Promise<MissingEpcView[]>;
  openDemand?(): Promise<OpenDemandView[]>;
}
