import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';

/**
 * Issue 12, finding 4: the dashboard opened as /dashboard?access_token=… works with
 * publicRead false (page, its assets and the history API), and the token never reaches
 * the request log. The real cloud service on real sockets, logging at info into a buffer.
 */
const READ_TOKEN = 'dashboard-read-token-0123456789';

describe('dashboard with ?access_token=', () => {
  let broker: EmbeddedBroker;
  let cloud: CloudService;
  const dataDir = mkdtempSync(join(tmpdir(), 'stockwire-dashboard-token-'));
  let logText = '';

  beforeAll(async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, allowAnonymous: true, logger: silentLogger() });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logText += chunk.toString();
        callback();
      },
    });
    const config = CloudConfigSchema.parse({
      catalogFile: 'catalog.yaml',
      store: { kind: 'sqlite', path: join(dataDir, 'ledger.sqlite') },
      mqtt: { url: `mqtt://127.0.0.1:${broker.port}`, clientId: 'cloud-dashboard-token' },
      http: { port: 0, publicRead: false, tokens: [{ token: READ_TOKEN, scopes: ['read'] }] },
    });
    cloud = await startCloudService(config, {
      configDir: DEMO_CONFIG_DIR,
      logger: pino({ level: 'info' }, sink),
      clock: systemClock,
    });
  }, 30_000);
  afterAll(async () => {
    await cloud?.stop();
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string) => fetch(`${cloud.httpUrl}${path}`);

  it('loads the page, its assets and the history with the token only in the query', async () => {
    const page = await get(`/dashboard?access_token=${READ_TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/app\.(?:js|css)[^"]*)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const response = await get(asset);
      expect(response.status, asset).toBe(200);
      await response.body?.cancel();
    }
    const history = await get(`/dashboard/api/history?product=10614141000019&access_token=${READ_TOKEN}`);
    expect(history.status).toBe(200);
    expect((await get('/dashboard/app.js')).status).toBe(401);
  });

  it('never writes the token to the log', async () => {
    await (await get(`/dashboard/api/state?access_token=${READ_TOKEN}`)).text();
    expect(logText).toContain('/dashboard/api/state?[redacted]');
    expect(logText).not.toContain(READ_TOKEN);
  });
});
