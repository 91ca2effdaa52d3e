import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';

const READ_TOKEN = 'read-token-for-tests-0001';

/** With publicRead off, the dashboard needs a read token like every other GET. */
describe('dashboard behind the API tokens', () => {
  let harness: CloudHarness;

  beforeAll(async () => {
    harness = await startCloudHarness({
      http: { publicRead: false, tokens: [{ token: READ_TOKEN, scopes: ['read'] }] },
    });
  });
  afterAll(async () => harness?.stop());

  it.each([
    ['the page without a token', '/dashboard', {}, 401],
    ['the state without a token', '/dashboard/api/state', {}, 401],
    ['the page with ?access_token=', `/dashboard?access_token=${READ_TOKEN}`, {}, 200],
    ['the state with a bearer header', '/dashboard/api/state', { authorization: `Bearer ${READ_TOKEN}` }, 200],
    ['the state with a wrong token', '/dashboard/api/state?access_token=nope-nope-nope-nope', {}, 401],
    ['the stock API with a query token (headers only there)', `/stock?access_token=${READ_TOKEN}`, {}, 401],
  ])('answers %s with %i', async (_name, path, headers, status) => {
    const response = await fetch(`${harness.cloud.httpUrl}${path}`, { headers });
    expect(response.status).toBe(status);
    await response.body?.cancel();
  });
});
