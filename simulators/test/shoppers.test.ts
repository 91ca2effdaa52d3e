import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { TransactionSchema } from '../../cloud/src/ledger/transactions.js';
import { sgtinUrn } from '../../cloud/src/ledger/epc-product.js';
import { connectClient, startCloudHarness, type CloudHarness } from '../../test/support/cloud-harness.js';
import { waitFor } from '../../test/support/wait.js';
import { cloudClient } from '../src/store/cloud-client.js';
import { startShoppers, type Shoppers } from '../src/store/shoppers.js';

const WATER = '00614141200016';
const FLOOR = 'urn:stockwire:loc:store-1:sales-floor';
const ITEMS = 20;

/**
 * The shopper simulator against the real cloud (aedes + cloud service + SQLite ledger) on a stepped clock:
 * every item taken to the floor is either paid at the till (a POS sale over MQTT) or walks out, and the
 * floor count books exactly the walked-out items to Shrinkage.
 */
describe('shoppers at the till (real broker and cloud, stepped clock)', () => {
  let harness: CloudHarness;
  let till: MqttClient;
  let shoppers: Shoppers;
  const clock = new ManualClock(Date.parse('2026-12-04T10:00:00Z'));

  beforeAll(async () => {
    harness = await startCloudHarness({
      http: { tokens: [{ token: 'sim-token-0123456789', scopes: ['read', 'write'] }] },
    });
    const epcs = Array.from({ length: ITEMS }, (_, serial) => sgtinUrn(WATER, 7, String(serial + 1)));
    await harness.cloud.store.applyBatch([
      TransactionSchema.parse({ type: 'receipt', id: 'r1', epcs, location: FLOOR, unitCost: '0.35' }),
    ]);
    till = await connectClient(harness.mqttUrl, 'till-1');
    shoppers = startShoppers(
      {
        site: 'store-1',
        till: 'till-1',
        salesFloor: FLOOR,
        prices: { [WATER]: '0.79' },
        defaultPrice: '1',
        payProbability: 0.7,
        payDelayMsMin: 1_000,
        payDelayMsMax: 5_000,
        pollIntervalMs: 1_000,
        floorCountIntervalMs: 10_000,
        waitingMax: 1_000,
        seed: 11,
      },
      { cloud: cloudClient(harness.cloud.httpUrl, 'sim-token-0123456789'), mqtt: till, clock, logger: silentLogger() },
    );
  });
  afterAll(async () => {
    shoppers?.stop();
    await till?.endAsync();
    await harness?.stop();
  });

  const balances = async () =>
    Object.fromEntries((await harness.cloud.store.trialBalance()).accounts.map((row) => [row.account, row.balance]));

  // Prices and costs in whole cents so the expected decimal strings come from integers.
  const money = (cents: number) => (cents / 100).toFixed(2).replace(/\.?0+$/, '');

  it('sells what shoppers pay for and books the rest to Shrinkage at the next floor count', async () => {
    clock.advanceBy(1_000);
    await waitFor(
      () => (shoppers.stats().paid + shoppers.stats().walkedOut > 0 ? true : undefined),
      10_000,
      'decisions',
    );
    for (let second = 0; second < 6; second++) clock.advanceBy(1_000);
    const { paid, walkedOut } = await waitFor(
      () => (shoppers.stats().paid + shoppers.stats().walkedOut === ITEMS ? shoppers.stats() : undefined),
      10_000,
      'every shopper to pay or leave',
    );
    expect(walkedOut).toBeGreaterThan(0);
    await waitFor(
      async () => ((await balances())['Revenue'] === `-${money(paid * 79)}` ? true : undefined),
      10_000,
      'sales booked',
    );
    clock.advanceBy(3_000); // the floor count at 10 s
    await waitFor(
      async () => ((await balances())['Shrinkage'] !== undefined ? true : undefined),
      10_000,
      'floor count',
    );
    const books = await balances();
    expect(books).toMatchObject({ COGS: money(paid * 35), Shrinkage: money(walkedOut * 35), Cash: money(paid * 79) });
    expect((await harness.cloud.store.check()).ok).toBe(true);
  });
});
