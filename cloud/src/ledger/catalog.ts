import { z } from 'zod';
import { refineUniqueIds } from '../../../shared/src/config/unique.js';
import { parseScaled, QUANTITY_SCALE, UNIT_COST_SCALE } from './decimal.js';

/**
 * Products and locations the ledger knows, loaded once from YAML (config/catalog.example.yaml)
 * and frozen. Products declared later through `product` transactions extend it inside the store.
 */

export const GTIN_PATTERN = /^\d{14}$/;
export const LOCATION_KINDS = ['dock_door', 'backroom', 'shelf', 'in_transit', 'sales_floor'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export function decimalString(scale: number, options: { signed?: boolean } = {}) {
  return z
    .union([
      z.string(),
      z.number().int().refine(Number.isSafeInteger, 'must be a safe integer (send decimals as strings)'),
    ])
    .transform((value, context) => {
      const text = String(value);
      const outcome = parseScaled(text, scale);
      if (!outcome.ok) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: outcome.reason });
        return z.NEVER;
      }
      if (!options.signed && outcome.value < 0n) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: `must not be negative (got ${text})` });
        return z.NEVER;
      }
      return text;
    });
}
export const quantityString = (options: { signed?: boolean } = {}) => decimalString(QUANTITY_SCALE, options);
export const unitCostString = () => decimalString(UNIT_COST_SCALE);

export const gtinField = () => z.string().regex(GTIN_PATTERN, 'must be a GTIN-14 (14 digits)');

/** A product's attributes: the catalog entry and the `product` declaration transaction share them. */
export const productAttributes = {
  sku: z.string().min(1).max(64).optional(),
  name: z.string().max(256).optional(),
  valuation: z.enum(['fifo', 'average']).default('fifo'),
  allowNegative: z.boolean().default(false),
  /** Cost used when a receipt carries none (RFID receipts) and for count gains of an empty position. */
  standardCost: unitCostString().optional(),
  reorderPoint: quantityString().optional(),
  reorderQty: quantityString().optional(),
  /** A pack (case, pallet): `qty` units of `product` inside; `unpack` turns it into them at the same value. */
  contains: z
    .object({
      product: gtinField(),
      qty: quantityString().refine((text) => /^[1-9]\d*$/.test(text), 'must be a whole number of units ≥ 1'),
    })
    .strict()
    .optional(),
  /** Reservations may promise more than is available (the shortfall is backordered). */
  allowBackorder: z.boolean().optional(),
};

export const ProductSchema = z
  .object({
    gtin: gtinField(),
    ...productAttributes,
  })
  .strict();
export type Product = z.output<typeof ProductSchema>;

export const LocationSchema = z
  .object({
    id: z.string().min(1).max(256),
    site: z.string().min(1).max(64),
    kind: z.enum(LOCATION_KINDS),
    name: z.string().max(256).optional(),
    /** GL account holding this location's stock value; default `Inventory:<site>`. */
    inventoryAccount: z.string().min(1).max(128).optional(),
  })
  .strict();
export type LocationInput = z.output<typeof LocationSchema>;
export interface Location {
  id: string;
  site: string;
  kind: LocationKind;
  name?: string;
  inventoryAccount: string;
  autoRegistered: boolean;
}

export const SiteSchema = z
  .object({
    id: z.string().min(1).max(64),
    /** Where stocking/removing events take items from/to; default the site's first backroom, else `urn:stockwire:loc:<site>:backroom`. */
    defaultLocation: z.string().min(1).max(256).optional(),
    /** Where items taken off a shelf wait for their sale (or the next count); default the site's first sales_floor, else `urn:stockwire:loc:<site>:sales-floor`. */
    salesFloorLocation: z.string().min(1).max(256).optional(),
    /** Where shipped items wait until the receiving site reads them; default `urn:stockwire:loc:<site>:in-transit`. */
    inTransitLocation: z.string().min(1).max(256).optional(),
  })
  .strict();

export const CatalogSchema = z
  .object({
    products: z.array(ProductSchema).max(1_000_000).default([]),
    locations: z.array(LocationSchema).max(100_000).default([]),
    sites: z.array(SiteSchema).max(10_000).default([]),
  })
  .strict()
  .superRefine((catalog, context) => {
    refineUniqueIds(catalog.products, (product) => product.gtin, ['products'], 'gtin', context);
    refineUniqueIds(catalog.products, (product) => product.sku, ['products'], 'sku', context);
    refineUniqueIds(catalog.locations, (location) => location.id, ['locations'], 'id', context);
    refineUniqueIds(catalog.sites, (site) => site.id, ['sites'], 'id', context);
  });
export type CatalogInput = z.input<typeof CatalogSchema>;

/** Chart of accounts: fixed names; inventory accounts are per site (or per location when configured). */
export const ACCOUNTS = {
  inventoryDefault: 'Inventory',
  grni: 'GRNI',
  cogs: 'COGS',
  shrinkage: 'Shrinkage',
  inventoryAdjustment: 'Inventory Adjustment',
  openingBalanceEquity: 'Opening Balance Equity',
  revenue: 'Revenue',
  cash: 'Cash',
  /** Differences a reversal or supplier return cannot put on a layer (never a negative-value pool). */
  costVariance: 'Cost Variance',
  purchasePriceVariance: 'Purchase Price Variance',
  accountsPayable: 'Accounts Payable',
} as const;

export const LOCATION_URN_PREFIX = 'urn:stockwire:loc:';
const LOCATION_URN_PATTERN = /^urn:stockwire:loc:([a-z0-9-]+):([A-Za-z0-9._-]+)$/;

export interface Catalog {
  readonly products: ReadonlyMap<string, Product>; // by GTIN-14
  readonly skus: ReadonlyMap<string, string>; // SKU → GTIN-14
  readonly locations: ReadonlyMap<string, Location>;
  readonly sites: ReadonlyMap<string, z.output<typeof SiteSchema>>;
}

export function buildCatalog(input: CatalogInput | z.output<typeof CatalogSchema>): Catalog {
  const parsed = CatalogSchema.parse(input);
  const products = new Map<string, Product>();
  const skus = new Map<string, string>();
  for (const product of parsed.products) {
    if (products.has(product.gtin))
      throw new Error(`catalog lists product ${product.gtin} twice: keep one entry per GTIN`);
    products.set(product.gtin, product);
    if (product.sku !== undefined) skus.set(product.sku, product.gtin);
  }
  const locations = new Map<string, Location>();
  for (const location of parsed.locations) {
    const inventoryAccount = location.inventoryAccount ?? `${ACCOUNTS.inventoryDefault}:${location.site}`;
    locations.set(location.id, { ...location, inventoryAccount, autoRegistered: false });
  }
  const sites = new Map(parsed.sites.map((site) => [site.id, site] as const));
  return { products, skus, locations, sites };
}

export const emptyCatalog = (): Catalog => buildCatalog({});

/** Resolves a GTIN-14 or SKU alias to the GTIN-14 key (undefined when unknown to the catalog). */
export function resolveProductKey(catalog: Catalog, key: string): string | undefined {
  if (catalog.products.has(key)) return key;
  return catalog.skus.get(key);
}

const ZONE_KINDS: readonly [RegExp, LocationKind][] = [
  [/^dock/, 'dock_door'],
  [/^door/, 'dock_door'],
  [/^shelf/, 'shelf'],
  [/transit/, 'in_transit'],
  [/^(floor|sales)/, 'sales_floor'],
  [/^backroom/, 'backroom'],
];

/**
 * A location the catalog does not list is registered on first use, so a new shelf
 * never stops ingest: `urn:stockwire:loc:<site>:<zone>` lands under its site (kind
 * guessed from the zone name, account `Inventory:<site>`); any other id lands on
 * the transaction's `site` (device events carry it) or else site `default` with account `Inventory`.
 */
export function autoRegisterLocation(id: string, siteHint?: string): Location {
  const match = LOCATION_URN_PATTERN.exec(id);
  if (!match) {
    if (siteHint !== undefined)
      return {
        id,
        site: siteHint,
        kind: 'backroom',
        inventoryAccount: `${ACCOUNTS.inventoryDefault}:${siteHint}`,
        autoRegistered: true,
      };
    return { id, site: 'default', kind: 'backroom', inventoryAccount: ACCOUNTS.inventoryDefault, autoRegistered: true };
  }
  const site = match[1] ?? 'default';
  const zone = (match[2] ?? '').toLowerCase();
  const kind = ZONE_KINDS.find(([pattern]) => pattern.test(zone))?.[1] ?? 'backroom';
  return { id, site, kind, inventoryAccount: `${ACCOUNTS.inventoryDefault}:${site}`, autoRegistered: true };
}

export function locationUrn(site: string, zone: string): string {
  return `${LOCATION_URN_PREFIX}${site}:${zone}`;
}

export function siteDefaultLocation(catalog: Catalog, site: string): string {
  const configured = catalog.sites.get(site)?.defaultLocation;
  if (configured !== undefined) return configured;
  for (const location of catalog.locations.values())
    if (location.site === site && location.kind === 'backroom') return location.id;
  return locationUrn(site, 'backroom');
}

/**
 * Where items a shelf lost are booked until a POS sale or a count settles them: in
 * shoppers' hands on the sales floor, not back in the backroom.
 */
export function siteSalesFloorLocation(catalog: Catalog, site: string): string {
  const configured = catalog.sites.get(site)?.salesFloorLocation;
  if (configured !== undefined) return configured;
  for (const location of catalog.locations.values())
    if (location.site === site && location.kind === 'sales_floor') return location.id;
  return locationUrn(site, 'sales-floor');
}

export function siteInTransitLocation(catalog: Catalog, site: string): string {
  const configured = catalog.sites.get(site)?.inTransitLocation;
  if (configured !== undefined) return configured;
  for (const location of catalog.locations.values())
    if (location.site === site && location.kind === 'in_transit') return location.id;
  return locationUrn(site, 'in-transit');
}
