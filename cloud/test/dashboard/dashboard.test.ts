import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { AlertsConfigSchema } from '../../src/alerts/config.js';
import { AlertService } from '../../src/alerts/service.js';
import { registerDashboard } from '../../src/dashboard/register.js';
import { CloudEvents, type PositionChange } from '../../src/events.js';
import { ForecastConfigSchema } from '../../src/forecast/config.js';
import { ForecastService } from '../../src/forecast/service.js';
import { MemoryLedgerView } from '../alerts/memory-view.js';

// End to end in real headless Chromium (Debian's), driven by playwright-core, against the
// dashboard served by a bare fastify on loopback. The ledger is the in-memory test double
// of the analytics view; events go through the real CloudEvents emitter.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const COLA = '09506000134352';
const CHIPS = '09506000134369';
const DAY_MS = 86_400_000;

let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl: string;
const events = new CloudEvents();
const view = new MemoryLedgerView();
const clock = new ManualClock(Date.now());
let alerts: AlertService;

function change(product: string, location: string, qtyDelta: string, qtyAfter: string, kind: string): PositionChange {
  return {
    product,
    location,
    qtyDelta,
    valueDelta: '0',
    qtyAfter,
    valueAfter: '0',
    kind,
    transactionId: `tx-${Math.random().toString(36).slice(2)}`,
    time: new Date().toISOString(),
  };
}

/** What the ledger does, in miniature: update the view, then announce the change. */
function ledgerApplies(product: string, location: string, qtyDelta: string, kind: string): void {
  const position = view.positionList.find((entry) => entry.product === product && entry.location === location);
  const qtyAfter = String(Number(position?.qty ?? '0') + Number(qtyDelta));
  view.setQty(product, location, qtyAfter);
  events.emit('positionsChanged', [change(product, location, qtyDelta, qtyAfter, kind)]);
}

beforeAll(async () => {
  view.productList = [
    { product: COLA, name: 'Cola 33cl', reorderPoint: '6', reorderQty: '24' },
    { product: CHIPS, name: 'Chips 150g', reorderPoint: '4', reorderQty: '12' },
  ];
  view.setQty(COLA, 'store-1/backroom', '48');
  view.setQty(COLA, 'store-1/shelf-1', '12');
  view.setQty(CHIPS, 'store-1/shelf-2', '9');
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  for (let day = 1; day <= 14; day += 1)
    view.sales.push({
      product: COLA,
      site: 'store-1',
      time: new Date(today - day * DAY_MS + 36_000_000).toISOString(),
      qty: '8',
    });

  alerts = new AlertService(AlertsConfigSchema.parse({ reevaluateDelayMs: 0, lowStockLocationMatch: 'shelf' }), {
    view,
    clock: systemClock,
    logger: silentLogger(),
  });
  alerts.attach(events);
  await alerts.evaluateStock();
  const forecast = new ForecastService(ForecastConfigSchema.parse({}), { view, clock });

  app = fastify();
  await registerDashboard(app, {
    events,
    view,
    alerts,
    forecast,
    logger: silentLogger(),
    config: { sseHeartbeatMs: 1000 },
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await alerts?.close();
});

describe('dashboard JSON API', () => {
  it('serves the page with a strict content security policy', async () => {
    const response = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('/dashboard/app.js');
  });

  it('reports state, ageing, forecast and validates queries', async () => {
    const state = (await app.inject({ method: 'GET', url: '/dashboard/api/state' })).json<{ positions: unknown[] }>();
    expect(state.positions).toHaveLength(3);
    const forecast = (await app.inject({ method: 'GET', url: '/dashboard/api/forecast' })).json<{
      forecasts: { product: string; demandPerDay: number }[];
    }>();
    expect(forecast.forecasts.find((entry) => entry.product === COLA)?.demandPerDay).toBeCloseTo(8, 9);
    expect((await app.inject({ method: 'GET', url: '/dashboard/api/history' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/dashboard/api/ageing' })).statusCode).toBe(200);
  });
});

describe('dashboard event stream limits', () => {
  it('refuses browsers past sseClientsMax with 503 and frees the slot when one leaves', async () => {
    // undici's fetch keeps spare sockets open; force-close them so close() does not wait for its keep-alive timeout
    const limited = fastify({ forceCloseConnections: true });
    await registerDashboard(limited, {
      events: new CloudEvents(),
      view,
      logger: silentLogger(),
      config: { sseClientsMax: 1 },
    });
    const url = `${await limited.listen({ host: '127.0.0.1', port: 0 })}/dashboard/events`;
    const first = new AbortController();
    const open = await fetch(url, { signal: first.signal });
    expect(open.headers.get('content-type')).toContain('text/event-stream');
    expect((await fetch(url)).status).toBe(503);
    first.abort();
    await expect
      .poll(async () => {
        const again = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        const status = again.status;
        await again.body?.cancel();
        return status;
      })
      .toBe(200);
    await limited.close();
  });
});

describe('dashboard in headless Chromium', () => {
  it('shows stock changing live, without a reload, and raises a low-stock alert', async () => {
    await page.goto(`${baseUrl}/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#connection[data-state="live"]');
    const shelfQty = page.locator(`.row[data-product="${COLA}"][data-location="store-1/shelf-1"] [data-testid="qty"]`);
    expect(await shelfQty.textContent()).toBe('12');

    // a pallet arrives at the dock and the shelf sells down past the reorder point
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'same page'));
    ledgerApplies(COLA, 'store-1/dock-1', '40', 'receipt');
    await page
      .locator(`.row[data-product="${COLA}"][data-location="store-1/dock-1"] [data-testid="qty"]`)
      .filter({ hasText: '40' })
      .waitFor();
    for (let sale = 0; sale < 4; sale += 1) ledgerApplies(COLA, 'store-1/shelf-1', '-2', 'sale');
    await shelfQty.filter({ hasText: /^4$/ }).waitFor();
    await page.locator('#alerts li[data-kind="low_stock"]').waitFor();
    expect(await page.locator('#alerts li[data-kind="low_stock"]').textContent()).toContain('reorder 24');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same page'); // no reload happened
    expect(await page.locator('#movements tr').count()).toBe(5);
    expect(await page.locator('#chart path.series').count()).toBeGreaterThan(0);

    events.emit(
      'gatewayStatus',
      {
        state: 'online',
        gatewayId: 'gw-1',
        siteId: 'store-1',
        time: new Date().toISOString(),
        readers: [
          {
            readerId: 'dock-1',
            protocol: 'sim',
            connected: true,
            lastReadTime: Date.now(),
            framesOk: 120,
            framesBad: 0,
            reconnects: 0,
            lastError: null,
            readsPerSecond: 14.2,
          },
        ],
      },
      'stockwire/v1/store-1/gw-1/status',
    );
    await page.locator('.gateway[data-gateway="store-1/gw-1"]').waitFor();
    // 48 + 40 + 4 on hand at 8/day: the forecast refreshes itself after the burst of changes
    await page.locator('#forecast tr', { hasText: 'Cola 33cl' }).filter({ hasText: '11.5' }).waitFor();

    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-artifacts/dashboard.png'), fullPage: true });
    if (process.env['STOCKWIRE_UPDATE_DOCS_SCREENSHOT'] === '1')
      copyFileSync(join(root, 'test-artifacts/dashboard.png'), join(root, 'docs/dashboard.png'));
  });

  it('keeps following changes on the same stream and counts every active alert', async () => {
    expect(await page.locator('#connection').getAttribute('data-state')).toBe('live');
    ledgerApplies(CHIPS, 'store-1/shelf-2', '-6', 'sale');
    await page
      .locator(`.row[data-product="${CHIPS}"][data-location="store-1/shelf-2"] [data-testid="qty"]`)
      .filter({ hasText: /^3$/ })
      .waitFor();
    await page.locator('#alerts li[data-kind="low_stock"]').nth(1).waitFor();
    expect(await page.locator('#alert-count').textContent()).toBe('2');
  });
});
