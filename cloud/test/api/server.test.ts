import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudEvents, type PositionChange } from '../../src/events.js';
import { buildApi } from '../../src/api/server.js';
import { ApiErrors } from '../../src/api/errors.js';
import { type LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { contractCatalog, FIFO, SERIAL } from '../store/contract.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';

const WRITE = { authorization: 'Bearer writer-token' };
const READ = { authorization: 'Bearer reader-token' };
const SHELF = 'urn:stockwire:loc:store-1:shelf-1';

describe('HTTP API', () => {
  let app: FastifyInstance;
  let store: LedgerStore;
  const events = new CloudEvents();
  const emitted: PositionChange[][] = [];
  events.on('positionsChanged', (changes) => emitted.push(changes));

  beforeAll(async () => {
    store = await openLedgerStore({ kind: 'memory' }, contractCatalog());
    app = await buildApi({
      store,
      catalog: contractCatalog(),
      tokens: [
        { token: 'writer-token', scopes: ['read', 'write'] },
        { token: 'reader-token', scopes: ['read'] },
      ],
      events,
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = WRITE) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: Record<string, string> = READ) => app.inject({ method: 'GET', url, headers });

  it.each([
    ['no token', {}, 401, ApiErrors.UNAUTHORIZED.code],
    ['unknown token', { authorization: 'Bearer nope' }, 401, ApiErrors.UNAUTHORIZED.code],
    ['read-only token', READ, 403, ApiErrors.FORBIDDEN.code],
  ])('refuses a write with %s', async (_name, headers, status, code) => {
    const response = await post(
      '/receipts',
      { id: 'x', product: FIFO, location: SHELF, qty: '1', unitCost: '1' },
      headers as Record<string, string>,
    );
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ code });
  });

  it('needs a token to read unless publicRead', async () => {
    expect((await get('/stock', {})).statusCode).toBe(401);
    expect((await get('/stock')).statusCode).toBe(200);
  });

  it('applies each kind through its endpoint: 201 applied, 200 duplicate, 409 conflict, 422 rejected', async () => {
    const receipt = { id: 'api-r1', product: FIFO, location: SHELF, qty: '10', unitCost: '2.5' };
    const applied = await post('/receipts', receipt);
    expect(applied.statusCode).toBe(201);
    expect(applied.json()).toMatchObject({ id: 'api-r1', status: 'applied', qtyDelta: '10', valueDelta: '25' });
    expect(emitted.at(-1)).toEqual([
      expect.objectContaining({ product: FIFO, location: SHELF, qtyAfter: '10', kind: 'receipt' }),
    ]);
    expect((await post('/receipts', receipt)).statusCode).toBe(200);
    const conflict = await post('/receipts', { ...receipt, qty: '11' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ status: 'conflict', code: 'SW_LEDGER_ID_CONFLICT' });
    const oversell = await post('/sales', { id: 'api-s1', product: 'SKU-FIFO', location: SHELF, qty: '11' });
    expect(oversell.statusCode).toBe(422);
    expect(oversell.json()).toMatchObject({ code: 'SW_LEDGER_INSUFFICIENT_STOCK' });
    expect(
      (await post('/sales', { id: 'api-s2', product: FIFO, location: SHELF, qty: '3', unitPrice: '4.99' })).statusCode,
    ).toBe(201);
    expect(
      (await post('/customer-returns', { id: 'api-c1', product: FIFO, location: SHELF, qty: '1', of: 'api-s2' }))
        .statusCode,
    ).toBe(201);
    expect(
      (await post('/supplier-returns', { id: 'api-u1', product: FIFO, location: SHELF, qty: '1', of: 'api-r1' }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await post('/transfers', {
          id: 'api-t1',
          product: FIFO,
          from: SHELF,
          to: 'urn:stockwire:loc:store-1:backroom',
          qty: '2',
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await post('/adjustments', { id: 'api-a1', product: FIFO, location: SHELF, qty: '-1', reason: 'damage' }))
        .statusCode,
    ).toBe(201);
    expect((await post('/counts', { id: 'api-k1', product: FIFO, location: SHELF, qty: '3' })).statusCode).toBe(201);
    expect((await post('/reversals', { id: 'api-v1', of: 'api-a1' })).statusCode).toBe(201);
    expect((await post('/products', { product: '00000000000055', valuation: 'average' })).statusCode).toBe(201);
    expect(
      (
        await post('/transactions', {
          transactions: [{ id: 'api-b1', type: 'receipt', location: SHELF, epcs: [sgtinUrn(SERIAL, 7, '1')] }],
        })
      ).json(),
    ).toMatchObject({ results: [{ status: 'applied' }] });
  });

  it('answers field-level 400s', async () => {
    const response = await post('/sales', {
      id: 'bad',
      product: FIFO,
      location: SHELF,
      qty: '-2',
      colour: 'red',
      type: 'receipt',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: ApiErrors.VALIDATION.code,
      issues: [{ path: 'type', message: expect.stringContaining('must be "sale"') }],
    });
    const fields = await post('/sales', { id: 'bad', product: FIFO, location: SHELF, qty: '1.23456', colour: 'red' });
    expect(fields.json().issues).toEqual(
      expect.arrayContaining([
        { path: 'qty', message: expect.stringContaining('more than 3 decimal places') },
        { path: 'colour', message: 'unknown field' },
      ]),
    );
    const batch = await post('/transactions', { transactions: [{ id: 'ok', type: 'count', location: SHELF }] });
    expect(batch.json().issues).toEqual(
      expect.arrayContaining([{ path: 'transactions.0.qty', message: expect.any(String) }]),
    );
    expect((await get('/entries?limit=0')).json()).toMatchObject({ issues: [{ path: 'query.limit' }] });
  });

  it('serves stock, entries, journal, trial balance, EPC history, transactions and the invariant check', async () => {
    const stock = (await get(`/stock?product=${FIFO}`)).json() as {
      items: { location: string; qty: string; available: string; value: string }[];
    };
    expect(stock.items.find((row) => row.location === SHELF)).toMatchObject({ qty: '4', available: '4', value: '10' }); // counted 3, then the damage write-off was reversed
    const entries = (await get('/entries?limit=2')).json() as { items: unknown[]; nextAfter: number };
    expect(entries.items).toHaveLength(2);
    expect((await get(`/entries?after=${entries.nextAfter}&limit=1000`)).json().items.length).toBeGreaterThan(3);
    expect((await get('/journal?account=COGS')).json().items.length).toBeGreaterThan(0);
    expect((await get('/trial-balance')).json()).toMatchObject({ balanced: true });
    expect((await get(`/epcs/${encodeURIComponent(sgtinUrn(SERIAL, 7, '1'))}`)).json()).toMatchObject({
      current: { status: 'in_stock', location: SHELF },
    });
    expect((await get(`/epcs/${encodeURIComponent(sgtinUrn(SERIAL, 7, '2'))}`)).statusCode).toBe(404);
    expect((await get('/transactions/api-r1')).json()).toMatchObject({
      type: 'receipt',
      result: { status: 'applied' },
    });
    expect((await get('/transactions/missing')).statusCode).toBe(404);
    expect((await get(`/sales-history?product=${FIFO}&site=store-1`)).json().items).toEqual([
      expect.objectContaining({ qty: '3' }),
    ]);
    expect((await get('/check')).json()).toMatchObject({ ok: true });
    expect((await get('/products')).json().items.length).toBeGreaterThan(3);
    expect((await get('/locations')).json().items.length).toBeGreaterThan(2);
  });

  it('publishes an OpenAPI document describing every route', async () => {
    const response = await get('/openapi.json', {});
    expect(response.statusCode).toBe(200);
    const document = response.json() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    for (const path of [
      '/stock',
      '/entries',
      '/journal',
      '/trial-balance',
      '/epcs/{epc}',
      '/receipts',
      '/sales',
      '/counts',
      '/transactions',
    ])
      expect(document.paths).toHaveProperty([path]);
    expect(JSON.stringify(document.paths['/receipts'])).toContain('unitCost');
  });
});
