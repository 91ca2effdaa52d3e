import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudHarness, type CloudHarness } from '../../../test/support/cloud-harness.js';
import { waitFor } from '../../../test/support/wait.js';
import { TransactionSchema } from '../../src/ledger/transactions.js';

const SODA = '00614141200023';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const TOKEN = 'channel-token-0123456789';

/** The integrated cloud: holds reduce what the dashboard shows as available and raise the overselling-risk alert. */
describe('reservations in the running cloud service', () => {
  let harness: CloudHarness;
  beforeAll(async () => {
    harness = await startCloudHarness({ http: { tokens: [{ token: TOKEN, scopes: ['read', 'write'] }] } });
    await harness.cloud.store.applyBatch([
      TransactionSchema.parse({ type: 'receipt', id: 'r1', product: SODA, location: SHELF, qty: '2', unitCost: '0.4' }),
    ]);
  });
  afterAll(() => harness?.stop());

  it('shows held stock on the dashboard and alerts overselling risk when holds take all of it', async () => {
    const response = await fetch(`${harness.cloud.httpUrl}/reservations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        orderId: 'web-1',
        location: SHELF,
        lines: [{ product: SODA, qty: '2' }],
        ttlSeconds: 600,
      }),
    });
    expect(response.status).toBe(201);
    const state = (await (await fetch(`${harness.cloud.httpUrl}/dashboard/api/state`)).json()) as {
      positions: { product: string; location: string; qty: string; availableQty?: string }[];
    };
    expect(state.positions.find((position) => position.location === SHELF)).toMatchObject({
      qty: '2',
      availableQty: '0',
    });
    const alert = await waitFor(
      () => harness.cloud.analytics.alerts.list().find((each) => each.kind === 'overselling_risk'),
      10_000,
      'the overselling-risk alert',
    );
    expect(alert).toMatchObject({ severity: 'warning', subject: { product: SODA, site: 'store-1' } });
  });
});
