/**
 * Demand forecast, pure: daily demand from sales history by simple exponential smoothing
 * (Brown), days of cover, stock-out and reorder dates. Floats are fine here: a forecast is
 * an estimate, never posted to the ledger.
 */
export const DAY_MS = 86_400_000;

export interface SalePoint {
  timeMs: number;
  qty: number;
}

export interface SmoothingParameters {
  alpha: number;
  historyDays: number;
  initialDays: number;
}

/**
 * Sums sales into complete UTC days ending at the start of today. The series starts at the
 * first day with a sale (or the window start): a product launched last week is not averaged
 * over weeks in which it did not exist yet.
 */
export function dailyDemand(sales: readonly SalePoint[], nowMs: number, historyDays: number): number[] {
  const endMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const startMs = endMs - historyDays * DAY_MS;
  const days = new Array<number>(historyDays).fill(0);
  let firstIndex = historyDays;
  for (const sale of sales) {
    if (sale.timeMs < startMs || sale.timeMs >= endMs || !Number.isFinite(sale.qty)) continue;
    const index = Math.floor((sale.timeMs - startMs) / DAY_MS);
    days[index] = (days[index] ?? 0) + sale.qty;
    if (sale.qty > 0) firstIndex = Math.min(firstIndex, index);
  }
  return days.slice(firstIndex);
}

/** Simple exponential smoothing: level₀ = mean of the first `initialDays`, levelₜ = α·xₜ + (1−α)·levelₜ₋₁. */
export function smoothedLevel(series: readonly number[], alpha: number, initialDays: number): number | null {
  if (series.length === 0) return null;
  const head = series.slice(0, Math.min(initialDays, series.length));
  let level = head.reduce((sum, value) => sum + value, 0) / head.length;
  for (const value of series.slice(head.length)) level = alpha * value + (1 - alpha) * level;
  return level;
}

export interface DemandForecast {
  /** Expected sales per day; 0 when there were none in the window. */
  demandPerDay: number;
  /** Days of history the estimate rests on (0 = no sales at all). */
  observedDays: number;
  /** available ÷ demand per day; null when demand is zero (cover is unbounded). */
  daysOfCover: number | null;
  /** When available stock runs out at this rate; null when demand is zero. */
  stockoutDate: string | null;
  /** When available stock reaches the reorder point (today if already below); null without a point or demand. */
  reorderDate: string | null;
}

function isoDay(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

export function forecastDemand(
  sales: readonly SalePoint[],
  availableQty: number,
  reorderPoint: number | null,
  nowMs: number,
  parameters: SmoothingParameters,
): DemandForecast {
  const series = dailyDemand(sales, nowMs, parameters.historyDays);
  const level = Math.max(0, smoothedLevel(series, parameters.alpha, parameters.initialDays) ?? 0);
  if (level === 0)
    return { demandPerDay: 0, observedDays: series.length, daysOfCover: null, stockoutDate: null, reorderDate: null };
  const available = Math.max(0, availableQty);
  const daysOfCover = available / level;
  const daysToReorder = reorderPoint === null ? null : Math.max(0, (available - reorderPoint) / level);
  return {
    demandPerDay: level,
    observedDays: series.length,
    daysOfCover,
    stockoutDate: isoDay(nowMs + daysOfCover * DAY_MS),
    reorderDate: daysToReorder === null ? null : isoDay(nowMs + Math.floor(daysToReorder) * DAY_MS),
  };
}
