import type { PositionChange } from '../../events.js';
import type { AlertsConfig } from '../config.js';
import { compareQty, maxQty, negateQty, percentOfQty, subtractQty } from '../quantity.js';
import { alertKey, type AlertCondition } from '../types.js';
import { pairKey, parseTimeMs, type StockSnapshot } from './snapshot.js';

/** A count that found less than the book, remembered until a clean count or `shrinkageHoldMs`. */
export interface CountFinding {
  product: string;
  location: string;
  bookQty: string;
  countedQty: string;
  lossQty: string;
  countTime: string;
  foundMs: number;
}

const COUNT_KINDS = new Set(['count', 'cycle_count', 'count_adjustment']);

/**
 * Updates count findings from position changes: a count whose loss exceeds the tolerance
 * (the larger of an absolute quantity and a percentage of the book) opens a finding; a
 * count within tolerance closes it. Returns a new map; the caller bounds its size.
 */
export function applyCountChanges(
  findings: ReadonlyMap<string, CountFinding>,
  changes: readonly PositionChange[],
  nowMs: number,
  config: AlertsConfig,
): Map<string, CountFinding> {
  const next = new Map(findings);
  for (const change of changes) {
    if (!COUNT_KINDS.has(change.kind)) continue;
    const key = pairKey(change.product, change.location);
    const bookQty = subtractQty(change.qtyAfter, change.qtyDelta);
    const lossQty = negateQty(change.qtyDelta);
    const toleranceQty = maxQty(config.shrinkageToleranceQty, percentOfQty(bookQty, config.shrinkageTolerancePercent));
    if (compareQty(lossQty, toleranceQty) > 0) {
      next.delete(key); // re-insert: newest last, so eviction drops the oldest
      next.set(key, {
        product: change.product,
        location: change.location,
        bookQty,
        countedQty: change.qtyAfter,
        lossQty,
        countTime: change.time,
        foundMs: nowMs,
      });
    } else {
      next.delete(key);
    }
  }
  for (const [key, finding] of next) if (nowMs - finding.foundMs >= config.shrinkageHoldMs) next.delete(key);
  while (next.size > config.shrinkageFindingsMax) {
    const oldest = next.keys().next();
    if (oldest.done) break;
    next.delete(oldest.value);
  }
  return next;
}

export function countShrinkageRule(findings: ReadonlyMap<string, CountFinding>): AlertCondition[] {
  return [...findings.values()].map((finding) => ({
    key: alertKey('shrinkage_count', finding.product, finding.location),
    kind: 'shrinkage' as const,
    severity: 'warning' as const,
    subject: { product: finding.product, location: finding.location },
    message: `count at ${finding.location} found ${finding.countedQty} of ${finding.product} against ${finding.bookQty} on the book: ${finding.lossQty} missing`,
    details: {
      source: 'count',
      bookQty: finding.bookQty,
      countedQty: finding.countedQty,
      lossQty: finding.lossQty,
      countTime: finding.countTime,
    },
  }));
}

/** EPCs that left their shelf more than `goneMs` ago without a sale, grouped per product × location. */
export function missingEpcRule(snapshot: StockSnapshot, nowMs: number, config: AlertsConfig): AlertCondition[] {
  if (snapshot.missingEpcs === null) return [];
  const groups = new Map<
    string,
    { product: string; location: string; epcs: string[]; count: number; oldestMs: number }
  >();
  for (const missing of snapshot.missingEpcs) {
    const sinceMs = parseTimeMs(missing.missingSinceTime);
    if (sinceMs === null || nowMs - sinceMs <= config.goneMs) continue;
    const key = pairKey(missing.product, missing.location);
    const group = groups.get(key) ?? {
      product: missing.product,
      location: missing.location,
      epcs: [],
      count: 0,
      oldestMs: sinceMs,
    };
    group.count += 1;
    group.oldestMs = Math.min(group.oldestMs, sinceMs);
    if (group.epcs.length < config.missingEpcSampleMax) group.epcs.push(missing.epc);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => ({
    key: alertKey('shrinkage_missing', group.product, group.location),
    kind: 'shrinkage' as const,
    severity: 'warning' as const,
    subject: { product: group.product, location: group.location },
    message: `${group.count} × ${group.product} left ${group.location} more than ${Math.round(config.goneMs / 60_000)} min ago without a sale`,
    details: {
      source: 'missing_epc',
      missingCount: group.count,
      missingSince: new Date(group.oldestMs).toISOString(),
      sampleEpcs: [...group.epcs].sort(),
    },
  }));
}
