import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { buildApi } from '../../src/api/server.js';
import { ReceivingConfigSchema } from '../../src/receiving/schemas.js';
import { ReceivingService } from '../../src/receiving/service.js';
import { SqliteReceivingStore } from '../../src/receiving/store/sqlite-store.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { receivingCatalog } from './contract.js';
import { SOAP, soap, sscc } from './fixtures.js';

const WRITE = { authorization: 'Bearer writer-token-000001' };
const READ = { authorization: 'Bearer reader-token-000001' };

/** The receiving endpoints' status codes: validation, scopes, not found, conflicts, lifecycle. */
describe('receiving HTTP endpoints', () => {
  let app: FastifyInstance;
  let ledger: LedgerStore;
  let service: ReceivingService;

  beforeAll(async () => {
    const catalog = receivingCatalog();
    ledger = await openLedgerStore({ kind: 'memory' }, catalog);
    service = new ReceivingService(SqliteReceivingStore.open(':memory:'), ledger, ReceivingConfigSchema.parse({}), {
      logger: silentLogger(),
      clock: new ManualClock(Date.parse('2026-11-25T09:00:00Z')),
    });
    app = await buildApi({
      store: ledger,
      catalog,
      receiving: service,
      tokens: [
        { token: 'writer-token-000001', scopes: ['read', 'write'] },
        { token: 'reader-token-000001', scopes: ['read'] },
      ],
    });
  });
  afterAll(async () => {
    await app.close();
    await service.store.close();
    await ledger.close();
  });

  const post = (url: string, payload: object, headers = WRITE) => app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: READ });
  const order = (id: string) => ({
    id,
    supplier: 'acme',
    site: 'store-1',
    lines: [{ gtin: SOAP, qty: '2', unitPrice: '2.5' }],
  });

  it.each([
    {
      name: 'a PO without lines',
      url: '/purchase-orders',
      body: { ...order('PO-X'), lines: [] },
      status: 400,
      path: 'lines',
    },
    {
      name: 'a PO with a float-ish price',
      url: '/purchase-orders',
      body: { ...order('PO-X'), lines: [{ gtin: SOAP, qty: '1', unitPrice: '0.1234567' }] },
      status: 400,
      path: 'lines.0.unitPrice',
    },
    {
      name: 'an unknown field',
      url: '/purchase-orders',
      body: { ...order('PO-X'), colour: 'red' },
      status: 400,
      path: 'colour',
    },
    {
      name: 'a pallet with both cases and counts',
      url: '/asns',
      body: {
        id: 'A',
        supplier: 'acme',
        purchaseOrder: 'PO-1',
        site: 'store-1',
        pallets: [{ sscc: sscc(1), cases: [soap(1)], counts: [{ gtin: SOAP, qty: '1' }] }],
      },
      status: 400,
      path: 'pallets.0',
    },
  ])('400 for $name, naming the field', async ({ url, body, status, path }) => {
    const response = await post(url, body);
    expect(response.statusCode).toBe(status);
    expect(response.json().issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it('needs the write scope to create, the read scope to list', async () => {
    expect((await post('/purchase-orders', order('PO-R'), READ)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/purchase-orders' })).statusCode).toBe(401);
  });

  it('creates (201), repeats (200), conflicts (409), lists and finishes a PO', async () => {
    expect((await post('/purchase-orders', order('PO-1'))).statusCode).toBe(201);
    expect((await post('/purchase-orders', order('PO-1'))).statusCode).toBe(200);
    const conflict = await post('/purchase-orders', { ...order('PO-1'), supplier: 'other' });
    expect([conflict.statusCode, conflict.json().code]).toEqual([409, 'SW_RECEIVING_ID_CONFLICT']);
    const listed = (await get('/purchase-orders?status=open')).json();
    expect(listed.items.map((each: { id: string }) => each.id)).toEqual(['PO-1']);
    expect((await get('/purchase-orders/PO-404')).statusCode).toBe(404);
    expect((await post('/purchase-orders', order('PO-2'))).statusCode).toBe(201);
    expect((await post('/purchase-orders/PO-2/cancel', {})).json().status).toBe('cancelled');
    const again = await post('/purchase-orders/PO-2/close', {});
    expect([again.statusCode, again.json().code]).toEqual([422, 'SW_RECEIVING_PURCHASE_ORDER_NOT_OPEN']);
  });

  it('refuses an ASN for an unknown PO (404) or a pallet already on another open ASN (409)', async () => {
    const asn = (id: string, purchaseOrder = 'PO-1') => ({
      id,
      supplier: 'acme',
      purchaseOrder,
      site: 'store-1',
      pallets: [{ sscc: sscc(5), cases: [soap(1)] }],
    });
    expect((await post('/asns', asn('ASN-0', 'PO-404'))).statusCode).toBe(404);
    expect((await post('/asns', asn('ASN-1'))).statusCode).toBe(201);
    const taken = await post('/asns', asn('ASN-2'));
    expect([taken.statusCode, taken.json().code]).toEqual([409, 'SW_RECEIVING_SSCC_ON_OTHER_ASN']);
    const shown = (await get('/asns/ASN-1')).json();
    expect(shown.summary).toMatchObject({ expected: 1, palletsArrived: 0, palletsExpected: 1 });
    expect((await get('/asns?status=open')).json().items).toHaveLength(1);
    const nothing = await post('/asns/ASN-1/resolutions', { id: 'r', kind: 'return_unexpected' });
    expect([nothing.statusCode, nothing.json().code]).toEqual([422, 'SW_RECEIVING_NOTHING_TO_RESOLVE']);
  });

  it('lists the receiving endpoints in the OpenAPI description', async () => {
    const paths = Object.keys((await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/purchase-orders', '/asns/{id}', '/supplier-invoices', '/reports/grni']),
    );
  });

  it('reports GRNI tied out to the GL', async () => {
    expect((await get('/reports/grni')).json()).toMatchObject({ glBalance: '0', difference: '0' });
  });
});
