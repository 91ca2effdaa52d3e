import type { AlertsConfig } from '../config.js';
import { addQty, compareQty } from '../quantity.js';
import { alertKey, type AlertCondition } from '../types.js';
import type { LayerView } from '../view.js';
import { DAY_MS, pairKey, parseTimeMs, type StockSnapshot } from './snapshot.js';

export interface AgeingBucket {
  /** e.g. "0-30", "31-60", "61-90", "90+" */
  label: string;
  qty: string;
}

export function ageingBucketLabels(boundsDays: readonly number[]): string[] {
  const labels: string[] = [];
  let lower = 0;
  for (const upper of boundsDays) {
    labels.push(`${lower}-${upper}`);
    lower = upper + 1;
  }
  labels.push(`${boundsDays[boundsDays.length - 1] ?? 0}+`);
  return labels;
}

/** FIFO ageing: remaining quantity by age of its receipt, in whole days. */
export function ageingBuckets(
  layers: readonly LayerView[],
  nowMs: number,
  boundsDays: readonly number[],
): AgeingBucket[] {
  const buckets = ageingBucketLabels(boundsDays).map((label) => ({ label, qty: '0' }));
  for (const layer of layers) {
    const receivedMs = parseTimeMs(layer.receivedTime) ?? nowMs;
    const ageDays = Math.max(0, Math.floor((nowMs - receivedMs) / DAY_MS));
    let index = boundsDays.findIndex((upper) => ageDays <= upper);
    if (index === -1) index = boundsDays.length;
    const bucket = buckets[index];
    if (bucket) bucket.qty = addQty(bucket.qty, layer.remainingQty);
  }
  return buckets;
}

/**
 * Slow-moving / obsolete: stock on hand whose oldest FIFO layer, or whose last outbound
 * movement, is older than `slowMovingDays` (`obsoleteDays` for obsolete). Stock that never
 * moved out counts from its oldest receipt, so a fresh delivery never alerts.
 */
export function ageingRule(snapshot: StockSnapshot, nowMs: number, config: AlertsConfig): AlertCondition[] {
  const layersByPosition = new Map<string, LayerView[]>();
  for (const layer of snapshot.layers) {
    if (compareQty(layer.remainingQty, '0') <= 0) continue;
    const key = pairKey(layer.product, layer.location);
    const list = layersByPosition.get(key);
    if (list) list.push(layer);
    else layersByPosition.set(key, [layer]);
  }
  const conditions: AlertCondition[] = [];
  for (const position of snapshot.positions) {
    if (compareQty(position.qty, '0') <= 0) continue;
    const layers = layersByPosition.get(pairKey(position.product, position.location)) ?? [];
    const receiptTimes = layers
      .map((layer) => parseTimeMs(layer.receivedTime))
      .filter((time): time is number => time !== null);
    const oldestReceiptMs = receiptTimes.length > 0 ? Math.min(...receiptTimes) : null;
    const lastOutboundMs = parseTimeMs(position.lastOutboundTime) ?? oldestReceiptMs;
    const oldestLayerAgeDays = oldestReceiptMs === null ? null : (nowMs - oldestReceiptMs) / DAY_MS;
    const idleDays = lastOutboundMs === null ? null : (nowMs - lastOutboundMs) / DAY_MS;
    const worstDays = Math.max(oldestLayerAgeDays ?? 0, idleDays ?? 0);
    if (worstDays <= config.slowMovingDays) continue;
    const obsolete = worstDays > config.obsoleteDays;
    const buckets = ageingBuckets(layers, nowMs, config.ageingBucketsDays);
    const details: AlertCondition['details'] = {
      qty: position.qty,
      oldestLayerAgeDays: oldestLayerAgeDays === null ? null : Math.floor(oldestLayerAgeDays),
      daysSinceLastOutbound: idleDays === null ? null : Math.floor(idleDays),
    };
    for (const bucket of buckets) details[`ageing_${bucket.label}`] = bucket.qty;
    conditions.push({
      // one key for both kinds: an item that turns obsolete replaces its slow-moving alert
      key: alertKey('ageing', position.product, position.location),
      kind: obsolete ? 'obsolete' : 'slow_moving',
      severity: obsolete ? 'warning' : 'info',
      subject: { product: position.product, location: position.location, site: position.site },
      message: `${position.product} at ${position.location}: ${position.qty} on hand, ${Math.floor(worstDays)} days without moving (${obsolete ? 'obsolete' : 'slow-moving'})`,
      details,
    });
  }
  return conditions;
}
