import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';
import { startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { until, waitFor } from '../support/wait.js';
import { inProcessGateway, type InProcessGateway } from './in-process-gateway.js';

/**
 * End-to-end confirmation against a broker power loss. Mosquitto acks what it queues for an
 * offline cloud session, then is killed with -9 before it autosaves: those messages are gone.
 * A gateway that trusts the PUBACK (`confirmation: puback`) has already deleted them; one that
 * waits for the cloud's committed watermark (`confirmation: cloud`) sends them again.
 */
const FIRST = 400;
const TOTAL = 1_200;
const directory = mkdtempSync(join(tmpdir(), 'stockwire-power-loss-'));
let mosquitto: RunningMosquitto;
let cloud: CloudService | null = null;

const startCloud = () =>
  startCloudService(
    CloudConfigSchema.parse({
      catalogFile: 'catalog.yaml',
      store: { kind: 'sqlite', path: join(directory, 'ledger.sqlite') },
      mqtt: { url: mosquitto.url, clientId: 'stockwire-cloud' },
      http: { port: 0, publicRead: true },
    }),
    { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock },
  );

/** Movements `offset…offset+total-1` (distinct EPCs per gateway), gated by produce(). */
function gateway(gatewayId: string, confirmation: 'cloud' | 'puback', offset: number): InProcessGateway {
  return inProcessGateway(
    {
      siteId: 'store-1',
      gatewayId,
      debounce: { tickIntervalMs: 20 },
      mqtt: {
        url: mosquitto.url,
        reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
        confirmation,
        confirmTimeoutMs: 1_000,
      },
      outbox: { path: join(directory, `${gatewayId}.sqlite`) },
      statusIntervalMs: 60_000,
    },
    { total: TOTAL, perTick: 40, offset, pauseAt: FIRST },
  );
}

async function epcsInStock(service: CloudService): Promise<number> {
  return (await service.store.stock()).reduce((sum, row) => sum + row.epcsInStock, 0);
}

beforeAll(async () => {
  // Autosave far away: a kill -9 loses everything since the broker started.
  mosquitto = await startMosquitto({ extraConfig: ['autosave_interval 3600'] });
  cloud = await startCloud();
});
afterAll(async () => {
  await cloud?.stop();
  await mosquitto?.remove();
  rmSync(directory, { recursive: true, force: true });
});

describe('broker power loss (Mosquitto kill -9) under load', () => {
  it('loses nothing with end-to-end confirmation; the PUBACK-only control loses what the broker held', async () => {
    const confirmed = gateway('gw-confirmed', 'cloud', 0);
    const control = gateway('gw-puback', 'puback', 1_000_000);
    for (const each of [confirmed, control]) await each.daemon.start();
    for (const each of [confirmed, control]) each.produce();
    const first = cloud as CloudService;
    await waitFor(
      async () => ((await epcsInStock(first)) === 2 * FIRST ? true : undefined),
      30_000,
      'the first movements',
    );

    // The cloud goes away; the broker acks and queues the rest for its persistent session.
    await cloud?.stop();
    cloud = null;
    for (const each of [confirmed, control]) each.produce();
    await until(
      () => [confirmed, control].every((each) => each.daemon.publisherStats().eventsAcked >= TOTAL),
      30_000,
      'the broker to ack every movement',
    );
    expect(control.daemon.outboxFill().depth).toBe(0); // PUBACK-only: deleted on the broker's word
    expect(confirmed.daemon.outboxFill().depth).toBe(TOTAL - FIRST); // kept until the cloud confirms

    await mosquitto.kill();
    await mosquitto.start();
    cloud = await startCloud();
    const service = cloud;
    const resent = async () => ((await epcsInStock(service)) >= TOTAL + FIRST ? true : undefined);
    await waitFor(resent, 60_000, 'the confirmed gateway to resend');
    await until(() => confirmed.daemon.outboxFill().depth === 0, 30_000, 'the confirmed outbox to empty');

    const stock = await service.store.stock();
    expect(stock.reduce((sum, row) => sum + row.epcsInStock, 0)).toBe(TOTAL + FIRST);
    expect((await service.store.check()).ok).toBe(true);
    for (const each of [confirmed, control]) await each.daemon.stop('test');
  }, 180_000);
});
