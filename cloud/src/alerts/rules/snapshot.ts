import type { LayerView, MissingEpcView, OpenDemandView, PositionView, ProductView } from '../view.js';

/** Everything the stock rules look at, read from the ledger view in one sweep. */
export interface StockSnapshot {
  positions: readonly PositionView[];
  products: readonly ProductView[];
  layers: readonly LayerView[];
  /** null when the view cannot tell (the rule is then skipped, and its alerts are left as they are). */
  missingEpcs: readonly MissingEpcView[] | null;
  openDemand: readonly OpenDemandView[] | null;
}

export const DAY_MS = 86_400_000;

export function parseTimeMs(isoTime: string | null | undefined): number | null {
  if (!isoTime) return null;
  const parsed = Date.parse(isoTime);
  return Number.isFinite(parsed) ? parsed : null;
}

export function pairKey(first: string, second: string): string {
  return `${first}\u0000${second}`;
}
