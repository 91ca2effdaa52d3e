import type { AlertsConfig } from '../config.js';
import { addQty, compareQty, maxQty, subtractQty } from '../quantity.js';
import { alertKey, type AlertCondition } from '../types.js';
import type { ProductView } from '../view.js';
import { pairKey, type StockSnapshot } from './snapshot.js';

/**
 * Low stock: available below the product's reorder point, per location (a shelf running
 * low) or summed per site. Suggests `max(reorderQty, reorderPoint − projected)`, where
 * projected is the available quantity (the ledger has no on-order quantity yet).
 */
export function lowStockRule(snapshot: StockSnapshot, config: AlertsConfig): AlertCondition[] {
  const products = new Map<string, ProductView>(snapshot.products.map((product) => [product.product, product]));
  const locationFilter = config.lowStockLocationMatch === undefined ? null : new RegExp(config.lowStockLocationMatch);
  const available = new Map<string, { product: string; place: string; site: string; qty: string }>();
  for (const position of snapshot.positions) {
    if (config.lowStockScope === 'location' && locationFilter && !locationFilter.test(position.location)) continue;
    const place = config.lowStockScope === 'location' ? position.location : position.site;
    const key = pairKey(position.product, place);
    const entry = available.get(key);
    const availableQty = position.availableQty ?? position.qty;
    if (entry) entry.qty = addQty(entry.qty, availableQty);
    else available.set(key, { product: position.product, place, site: position.site, qty: availableQty });
  }
  const conditions: AlertCondition[] = [];
  const reserveMatch = config.replenishFromLocationMatch;
  const reserve =
    config.lowStockScope === 'location' && reserveMatch !== undefined
      ? reserveStock(snapshot, reserveMatch)
      : new Map<string, string>();
  for (const entry of available.values()) {
    const product = products.get(entry.product);
    if (!product || product.reorderPoint === null) continue;
    if (compareQty(entry.qty, product.reorderPoint) >= 0) continue;
    const shortfall = subtractQty(product.reorderPoint, entry.qty);
    const backroomQty = reserve.get(pairKey(entry.product, entry.site));
    if (backroomQty !== undefined && !isReserve(entry.place, reserveMatch)) {
      conditions.push(replenishCondition(entry, product, backroomQty, shortfall));
      continue;
    }
    const suggestedQty = maxQty(product.reorderQty ?? '0', shortfall);
    const subject =
      config.lowStockScope === 'location'
        ? { product: entry.product, location: entry.place, site: entry.site }
        : { product: entry.product, site: entry.place };
    conditions.push({
      key: alertKey('low_stock', entry.product, entry.place),
      kind: 'low_stock',
      severity: compareQty(entry.qty, '0') <= 0 ? 'critical' : 'warning',
      subject,
      message: `${product.name ?? entry.product} at ${entry.place}: ${entry.qty} available, below the reorder point ${product.reorderPoint}; reorder ${suggestedQty}`,
      details: {
        availableQty: entry.qty,
        reorderPoint: product.reorderPoint,
        reorderQty: product.reorderQty,
        suggestedOrderQty: suggestedQty,
      },
    });
  }
  return conditions;
}

const isReserve = (location: string, match: string | undefined): boolean =>
  match !== undefined && new RegExp(match).test(location);

/** Available stock per product × site at reserve locations (the backroom), only where it is above zero. */
function reserveStock(snapshot: StockSnapshot, match: string): Map<string, string> {
  const totals = new Map<string, string>();
  for (const position of snapshot.positions) {
    if (!isReserve(position.location, match)) continue;
    const key = pairKey(position.product, position.site);
    totals.set(key, addQty(totals.get(key) ?? '0', position.availableQty ?? position.qty));
  }
  for (const [key, qty] of totals) if (compareQty(qty, '0') <= 0) totals.delete(key);
  return totals;
}

/** A shelf below its reorder point while the backroom has the product: move it out, do not buy more. */
function replenishCondition(
  entry: { product: string; place: string; site: string; qty: string },
  product: ProductView,
  backroomQty: string,
  shortfall: string,
): AlertCondition {
  const wanted = maxQty(product.reorderQty ?? '0', shortfall);
  const moveQty = compareQty(wanted, backroomQty) <= 0 ? wanted : backroomQty;
  return {
    key: alertKey('low_stock', entry.product, entry.place),
    kind: 'replenish_from_backroom',
    severity: compareQty(entry.qty, '0') <= 0 ? 'critical' : 'warning',
    subject: { product: entry.product, location: entry.place, site: entry.site },
    message: `${product.name ?? entry.product} at ${entry.place}: ${entry.qty} available, below ${product.reorderPoint}; move ${moveQty} from the backroom (${backroomQty} there)`,
    details: {
      availableQty: entry.qty,
      reorderPoint: product.reorderPoint,
      backroomQty,
      suggestedMoveQty: moveQty,
    },
  };
}
