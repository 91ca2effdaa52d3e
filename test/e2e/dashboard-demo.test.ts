import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/src/log.js';
import { startDemo, type RunningDemo } from '../../simulators/src/demo.js';
import { waitFor } from '../support/wait.js';

const ROOT = join(import.meta.dirname, '..', '..');
const COLA_CASE = '10614141000019';

/** The little of the DOM these page functions touch (the project compiles without lib.dom). */
interface BrowserGlobals {
  document: { body: { setAttribute(name: string, value: string): void; getAttribute(name: string): string | null } };
}

/**
 * The issue 8 acceptance path: the real demo (`npm start`'s code) and Debian's
 * Chromium. The page must show a pallet's new quantity without a reload, and the
 * shelf running low must raise a low-stock alert on it.
 */
describe('dashboard on the running demo, in headless Chromium', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stockwire-dash-'));
    demo = await startDemo({ mqttPort: 0, httpPort: 0, dataDir, keep: false, logger: silentLogger() });
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
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows each pallet as it is booked, and the shelf running low', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${demo.cloud.httpUrl}/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#connection[data-state="live"]');
    // Mark the document: if the page reloaded, the marker would be gone.
    await page.evaluate(() =>
      (globalThis as unknown as BrowserGlobals).document.body.setAttribute('data-test-marker', 'kept'),
    );

    const backroomCola = page.locator(
      `.row[data-product="${COLA_CASE}"][data-location="urn:stockwire:loc:store-1:backroom"] [data-testid="qty"]`,
    );
    await backroomCola.waitFor({ timeout: 30_000 });
    const firstQty = Number(await backroomCola.textContent());
    // The next pallet adds 5 cases of this GTIN; the page must follow the ledger live.
    await waitFor(
      async () => (Number(await backroomCola.textContent()) >= firstQty + 5 ? true : undefined),
      30_000,
      'the page to show the next pallet',
    );
    const response = await fetch(
      `${demo.cloud.httpUrl}/stock?product=${COLA_CASE}&location=${encodeURIComponent('urn:stockwire:loc:store-1:backroom')}`,
    );
    const ledgerQty = Number(((await response.json()) as { items: { qty: string }[] }).items[0]?.qty);
    expect(Number(await backroomCola.textContent())).toBeLessThanOrEqual(ledgerQty);
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as BrowserGlobals).document.body.getAttribute('data-test-marker'),
      ),
    ).toBe('kept');

    // Shoppers empty shelf B2 (12 of 16 taken over a minute from t=20 s) while the backroom holds opened
    // cases: below the reorder point of 5, the alert says move stock out of the backroom, not reorder.
    const replenish = page.locator('#alerts li[data-kind="replenish_from_backroom"]').first();
    await replenish.waitFor({ timeout: 90_000 });
    // The catalog's name replaces the URN once the Books panel has loaded the names (either may be first).
    expect(await replenish.textContent()).toMatch(/Shelf B2|shelf-b2/);

    // The demo attaches its accuracy replay (a truth): the tile shows the measured IRA beside the anchors.
    await page
      .locator('#accuracy-panel:not([hidden]) #accuracy-ira')
      .filter({ hasText: '%' })
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('#accuracy-anchors').textContent()).toContain('≈ 94 %');

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-demo.png'), fullPage: true });
    // `UPDATE_SCREENSHOT=1 npx vitest run test/e2e/dashboard-demo.test.ts` refreshes README's picture.
    if (process.env['UPDATE_SCREENSHOT'] === '1')
      copyFileSync(join(ROOT, 'test-artifacts', 'dashboard-demo.png'), join(ROOT, 'docs', 'dashboard.png'));
  }, 150_000);
});
