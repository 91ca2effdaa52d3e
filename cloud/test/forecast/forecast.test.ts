import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/src/clock.js';
import { ForecastConfigSchema } from '../../src/forecast/config.js';
import { ForecastService } from '../../src/forecast/service.js';
import { DAY_MS, dailyDemand, forecastDemand, smoothedLevel, type SalePoint } from '../../src/forecast/smoothing.js';
import { MemoryLedgerView } from '../alerts/memory-view.js';

const NOW = Date.parse('2026-11-25T15:00:00.000Z');
const TODAY = Math.floor(NOW / DAY_MS) * DAY_MS;
const parameters = { alpha: 0.3, historyDays: 28, initialDays: 7 };

/** Synthetic history: `perDay[i]` units sold on day i of the window, split over two sales at 09:00 and 17:00. */
function history(perDay: readonly number[]): SalePoint[] {
  const startMs = TODAY - perDay.length * DAY_MS;
  return perDay.flatMap((qty, day) => [
    { timeMs: startMs + day * DAY_MS + 9 * 3_600_000, qty: qty / 2 },
    { timeMs: startMs + day * DAY_MS + 17 * 3_600_000, qty: qty / 2 },
  ]);
}

/** Two weeks of `perDay` units a day of `product` at `site`, as sales the ledger view reports. */
function sellDaily(view: MemoryLedgerView, product: string, site: string, perDay: number): void {
  for (const sale of history(new Array(14).fill(perDay)))
    view.sales.push({ product, site, time: new Date(sale.timeMs).toISOString(), qty: String(sale.qty) });
}

describe('simple exponential smoothing on synthetic histories', () => {
  it('recovers a constant rate exactly', () => {
    const forecast = forecastDemand(history(new Array(28).fill(10)), 95, 20, NOW, parameters);
    expect(forecast.demandPerDay).toBeCloseTo(10, 12);
    expect(forecast.daysOfCover).toBeCloseTo(9.5, 12);
    expect(forecast.stockoutDate).toBe('2026-12-05'); // 15:00 + 9.5 days = Dec 5, 03:00
    expect(forecast.reorderDate).toBe('2026-12-02'); // (95 − 20) / 10 = 7.5 days → order on day 7
    expect(forecast.observedDays).toBe(28);
  });

  it('follows a step in demand with the closed form 10 + (4 − 10)(1 − α)^n', () => {
    // 7 days at 4/day set the initial level to 4; 5 days at 10/day follow
    const level = smoothedLevel([4, 4, 4, 4, 4, 4, 4, 10, 10, 10, 10, 10], 0.3, 7);
    expect(level).toBeCloseTo(10 - 6 * 0.7 ** 5, 12); // 8.99158
    const forecast = forecastDemand(history([4, 4, 4, 4, 4, 4, 4, 10, 10, 10, 10, 10]), 90, null, NOW, parameters);
    expect(forecast.demandPerDay).toBeCloseTo(8.99158, 5);
    expect(forecast.daysOfCover).toBeCloseTo(90 / 8.99158, 5);
    expect(forecast.reorderDate).toBeNull();
  });

  it('counts days without sales as zero demand, but not days before the first sale', () => {
    expect(dailyDemand(history([0, 0, 6, 0, 6, 0]), NOW, 28)).toEqual([6, 0, 6, 0]);
  });

  it('ignores today (incomplete) and anything outside the window', () => {
    const sales = [
      { timeMs: TODAY + 3_600_000, qty: 100 }, // today so far
      { timeMs: TODAY - 40 * DAY_MS, qty: 100 }, // before the window
      { timeMs: TODAY - DAY_MS, qty: 3 },
    ];
    expect(dailyDemand(sales, NOW, 28)).toEqual([3]);
  });

  it.each([
    [
      'no sales: no rate, unbounded cover',
      [],
      10,
      5,
      { demandPerDay: 0, daysOfCover: null, reorderDate: null, stockoutDate: null },
    ],
    [
      'already below the reorder point: reorder today',
      new Array(7).fill(2),
      3,
      5,
      { demandPerDay: 2, daysOfCover: 1.5, reorderDate: '2026-11-25' },
    ],
    ['out of stock: zero cover', new Array(7).fill(2), 0, 5, { daysOfCover: 0, stockoutDate: '2026-11-25' }],
  ])('%s', (_name, perDay, available, reorderPoint, expected) => {
    expect(forecastDemand(history(perDay), available, reorderPoint, NOW, parameters)).toMatchObject(expected);
  });
});

describe('forecast service over the ledger view', () => {
  it('sums stock per site, reads that site’s sales, and sorts the most urgent first', async () => {
    const view = new MemoryLedgerView();
    view.productList = [
      { product: 'A', reorderPoint: '10', reorderQty: '50' },
      { product: 'B', reorderPoint: null, reorderQty: null },
    ];
    view.setQty('A', 'store-1/shelf-1', '20');
    view.setQty('A', 'store-1/backroom', '40');
    view.setQty('B', 'store-1/shelf-2', '10');
    sellDaily(view, 'A', 'store-1', 6);
    sellDaily(view, 'B', 'store-1', 5);
    sellDaily(view, 'A', 'store-2', 99);
    const service = new ForecastService(ForecastConfigSchema.parse({}), { view, clock: new ManualClock(NOW) });
    const forecasts = await service.forecastAll();
    expect(
      forecasts.map((forecast) => [
        forecast.product,
        forecast.availableQty,
        Number(forecast.demandPerDay.toFixed(6)),
        Number(forecast.daysOfCover?.toFixed(6)),
      ]),
    ).toEqual([
      ['B', '10', 5, 2],
      ['A', '60', 6, 10],
    ]);
    expect(forecasts[1]).toMatchObject({ reorderDate: '2026-12-03', method: 'simple_exponential_smoothing' });
  });
});
