import { addQty, compareQty, subtractQty } from '../quantity.js';
import { alertKey, type AlertCondition } from '../types.js';
import { pairKey, type StockSnapshot } from './snapshot.js';

/** Overselling risk: open demand at a site with available-to-sell (on hand − open demand) ≤ 0. */
export function oversellingRule(snapshot: StockSnapshot): AlertCondition[] {
  if (snapshot.openDemand === null) return [];
  const onHand = new Map<string, string>();
  for (const position of snapshot.positions) {
    const key = pairKey(position.product, position.site);
    onHand.set(key, addQty(onHand.get(key) ?? '0', position.qty));
  }
  const conditions: AlertCondition[] = [];
  for (const demand of snapshot.openDemand) {
    if (compareQty(demand.openQty, '0') <= 0) continue;
    const onHandQty = onHand.get(pairKey(demand.product, demand.site)) ?? '0';
    const availableToSell = subtractQty(onHandQty, demand.openQty);
    if (compareQty(availableToSell, '0') > 0) continue;
    conditions.push({
      key: alertKey('overselling_risk', demand.product, demand.site),
      kind: 'overselling_risk',
      severity: compareQty(availableToSell, '0') < 0 ? 'critical' : 'warning',
      subject: { product: demand.product, site: demand.site },
      message: `${demand.product} at ${demand.site}: open demand ${demand.openQty} against ${onHandQty} on hand (available to sell ${availableToSell})`,
      details: { onHandQty, openDemandQty: demand.openQty, availableToSellQty: availableToSell },
    });
  }
  return conditions;
}
