import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { contractCatalog, FIFO } from '../store/contract.js';

/** Issue 12, findings 1, 2 and 5 over HTTP: every bad body is a 400 naming the field (or a 422), never a 500. */
const WRITE = { authorization: 'Bearer writer-token-0123456789' };
const A = 'urn:stockwire:loc:store-1:backroom';

describe('HTTP API under hostile input', () => {
  let app: FastifyInstance;
  let store: LedgerStore;

  beforeAll(async () => {
    store = await openLedgerStore({ kind: 'memory' }, contractCatalog());
    app = await buildApi({
      store,
      catalog: contractCatalog(),
      tokens: [{ token: 'writer-token-0123456789', scopes: ['read', 'write'] }],
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const post = (url: string, payload: string | Buffer) =>
    app.inject({ method: 'POST', url, headers: { ...WRITE, 'content-type': 'application/json' }, payload });

  it.each([
    ['receipt without product', '/receipts', { id: 'a1', location: A, qty: '1', unitCost: '1' }, 'product'],
    ['receipt without qty', '/receipts', { id: 'a2', product: FIFO, location: A, unitCost: '1' }, 'qty'],
    ['sale without product or qty', '/sales', { id: 'a3', location: A }, 'qty'],
    ['transfer from == to', '/transfers', { id: 'a4', product: FIFO, from: A, to: A, qty: '1' }, 'to'],
    [
      'time in month 13',
      '/receipts',
      { id: 'a5', product: FIFO, location: A, qty: '1', time: '2026-13-01T00:00:00Z' },
      'time',
    ],
    [
      'time with offset +99:99',
      '/receipts',
      { id: 'a6', product: FIFO, location: A, qty: '1', time: '2026-01-01T00:00:00+99:99' },
      'time',
    ],
    [
      'time on 31 February',
      '/receipts',
      { id: 'a7', product: FIFO, location: A, qty: '1', time: '2026-02-31T00:00:00Z' },
      'time',
    ],
    [
      'a qty with 16 integer digits',
      '/receipts',
      { id: 'a8', product: FIFO, location: A, qty: '9999999999999999' },
      'qty',
    ],
  ])('answers 400 naming the field: %s', async (_name, url, body, field) => {
    const response = await post(url, JSON.stringify(body));
    expect(response.statusCode).toBe(400);
    const paths = (response.json() as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    expect(paths).toContain(field);
  });

  it('answers 422 with the limit code for a 15-digit quantity whose value passes the limit, then still books', async () => {
    const big = await post(
      '/receipts',
      JSON.stringify({ id: 'b1', product: FIFO, location: A, qty: '999999999999999', unitCost: '12.35' }),
    );
    expect(big.statusCode).toBe(422);
    expect(big.json()).toMatchObject({ code: 'SW_LEDGER_MAGNITUDE_LIMIT' });
    const next = await post(
      '/receipts',
      JSON.stringify({ id: 'b2', product: FIFO, location: A, qty: '2', unitCost: '1' }),
    );
    expect(next.statusCode).toBe(201);
    const trial = await app.inject({ method: 'GET', url: '/trial-balance', headers: WRITE });
    expect(trial.json()).toMatchObject({ balanced: true });
    const check = await app.inject({ method: 'GET', url: '/check', headers: WRITE });
    expect(check.statusCode).toBe(200);
  });

  it.each([
    [
      'invalid UTF-8',
      Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      'SW_API_BODY_NOT_UTF8',
      'UTF-8',
    ],
    ['a __proto__ key', '{"id":"p1","__proto__":{"admin":true}}', 'SW_API_BODY_FORBIDDEN_KEY', '"__proto__"'],
    [
      'a nested constructor key',
      '{"id":"p2","source":{"constructor":{"prototype":{}}}}',
      'SW_API_BODY_FORBIDDEN_KEY',
      'prototypes',
    ],
    ['broken JSON', '{"id":', 'SW_API_BODY_NOT_JSON', 'not valid JSON'],
  ])('refuses a body with %s with an honest 400', async (_name, payload, code, words) => {
    const response = await post('/receipts', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code });
    expect((response.json() as { message: string }).message).toContain(words);
  });

  it('refuses a sales-history query in month 13 by its field', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/sales-history?product=${FIFO}&since=2026-13-01T00:00:00Z`,
      headers: WRITE,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ issues: [{ path: 'query.since' }] });
  });
});
