import type { Clock } from '../../../shared/src/clock.js';
import type { AnalyticsLedgerView, PositionView, ProductView } from '../alerts/view.js';
import type { ForecastConfig } from './config.js';
import { DAY_MS, forecastDemand, type DemandForecast } from './smoothing.js';

export interface ProductForecast extends DemandForecast {
  product: string;
  site: string;
  availableQty: string;
  reorderPoint: string | null;
  method: 'simple_exponential_smoothing';
  alpha: number;
  computedAt: string;
}

/** Computes forecasts per product × site from the ledger view, with a short cache. */
export class ForecastService {
  private readonly cache = new Map<string, { forecast: ProductForecast; atMs: number }>();

  constructor(
    private readonly config: ForecastConfig,
    private readonly deps: { view: AnalyticsLedgerView; clock: Clock },
  ) {}

  async forecast(product: string, site: string): Promise<ProductForecast> {
    const [positions, products] = await Promise.all([this.deps.view.positions(), this.deps.view.products()]);
    return this.compute(
      product,
      site,
      positions,
      products.find((entry) => entry.product === product),
    );
  }

  /** One forecast per product × site that holds stock, at most `forecastsMax`, most urgent first. */
  async forecastAll(): Promise<ProductForecast[]> {
    const [positions, products] = await Promise.all([this.deps.view.positions(), this.deps.view.products()]);
    const byProduct = new Map(products.map((product) => [product.product, product]));
    const pairs = new Map<string, [string, string]>();
    for (const position of positions)
      if (pairs.size < this.config.forecastsMax)
        pairs.set(`${position.product}\u0000${position.site}`, [position.product, position.site]);
    const forecasts: ProductForecast[] = [];
    for (const [product, site] of pairs.values())
      forecasts.push(await this.compute(product, site, positions, byProduct.get(product)));
    return forecasts.sort(
      (a, b) =>
        (a.daysOfCover ?? Number.POSITIVE_INFINITY) - (b.daysOfCover ?? Number.POSITIVE_INFINITY) ||
        a.product.localeCompare(b.product),
    );
  }

  private async compute(
    product: string,
    site: string,
    positions: readonly PositionView[],
    productView: ProductView | undefined,
  ): Promise<ProductForecast> {
    const nowMs = this.deps.clock.nowMs();
    const key = `${product}\u0000${site}`;
    const cached = this.cache.get(key);
    const availableQty = positions
      .filter((position) => position.product === product && position.site === site)
      .reduce((sum, position) => sum + Number(position.qty), 0);
    if (cached && nowMs - cached.atMs < this.config.cacheTtlMs && Number(cached.forecast.availableQty) === availableQty)
      return cached.forecast;
    const sinceMs = (Math.floor(nowMs / DAY_MS) - this.config.historyDays) * DAY_MS;
    const sales = await this.deps.view.salesHistory(product, site, sinceMs);
    const reorderPoint = productView?.reorderPoint ?? null;
    const result = forecastDemand(
      sales.map((sale) => ({ timeMs: Date.parse(sale.time), qty: Number(sale.qty) })),
      availableQty,
      reorderPoint === null ? null : Number(reorderPoint),
      nowMs,
      this.config,
    );
    const forecast: ProductForecast = {
      product,
      site,
      availableQty: String(availableQty),
      reorderPoint,
      method: 'simple_exponential_smoothing',
      alpha: this.config.alpha,
      computedAt: new Date(nowMs).toISOString(),
      ...result,
    };
    if (this.cache.size >= this.config.forecastsMax) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { forecast, atMs: nowMs });
    return forecast;
  }
}
