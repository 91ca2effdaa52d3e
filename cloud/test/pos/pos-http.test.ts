import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PosTransactionInput } from '../../../shared/src/contracts/pos.js';
import { buildApi } from '../../src/api/server.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';

const SODA = '00614141200023';
const WATER = '00614141200016';
const FLOOR = 'urn:stockwire:loc:store-1:sales-floor';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const WRITE = { authorization: 'Bearer till-token' };
const catalog = buildCatalog({
  products: [
    { gtin: SODA, valuation: 'fifo', standardCost: '0.42' },
    { gtin: WATER, valuation: 'average', standardCost: '0.35' },
  ],
  locations: [
    { id: FLOOR, site: 'store-1', kind: 'sales_floor' },
    { id: SHELF, site: 'store-1', kind: 'shelf' },
    { id: BACKROOM, site: 'store-1', kind: 'backroom' },
  ],
});
const waterEpc = (serial: number) => sgtinUrn(WATER, 7, String(serial));

describe('POS over HTTP: POST /pos/transactions', () => {
  let app: FastifyInstance;
  let store: LedgerStore;
  beforeAll(async () => {
    store = await openLedgerStore({ kind: 'memory' }, catalog);
    app = await buildApi({ store, catalog, tokens: [{ token: 'till-token', scopes: ['read', 'write'] }] });
    const setup = [
      { type: 'receipt', id: 'r1', product: SODA, location: SHELF, qty: '3', unitCost: '0.40' },
      { type: 'receipt', id: 'r2', product: SODA, location: SHELF, qty: '3', unitCost: '0.50' },
      { type: 'receipt', id: 'r3', product: SODA, location: FLOOR, qty: '1', unitCost: '0.30' },
      { type: 'receipt', id: 'r4', epcs: [waterEpc(1), waterEpc(2)], location: SHELF, unitCost: '0.35' },
    ];
    const response = await app.inject({
      method: 'POST',
      url: '/transactions',
      headers: WRITE,
      payload: { transactions: setup },
    });
    expect(response.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const till = (body: PosTransactionInput) =>
    app.inject({ method: 'POST', url: '/pos/transactions', headers: WRITE, payload: body as object });
  const balances = async () =>
    Object.fromEntries((await store.trialBalance()).accounts.map((row) => [row.account, row.balance]));
  const qtyAt = async (product: string, location: string) => (await store.stock({ product, location }))[0]?.qty ?? '0';
  const sale = (id: string, lines: PosTransactionInput['lines'], tender: string): PosTransactionInput => ({
    id,
    kind: 'sale',
    site: 'store-1',
    till: 'till-1',
    time: '2026-12-04T10:00:00Z',
    lines,
    tender: [{ kind: 'card', amount: tender }],
  });

  /** Three sodas by barcode (UPC-A, GTIN-12) and one water by its tag, paid by card. */
  const FIRST_SALE = sale(
    '1001',
    [
      { gtin: '614141200023', qty: '3', unitPrice: '0.99' },
      { epc: waterEpc(1), unitPrice: '0.79' },
    ],
    '3.76',
  );

  it('books a barcode sale from the floor first, then the shelf (FIFO there), and an EPC sale from where the tag is', async () => {
    const response = await till(FIRST_SALE);
    expect(response.statusCode).toBe(201);
    // COGS: 1 @ 0.30 from the floor + 2 @ 0.40 from the shelf + the water EPC at 0.35.
    expect(await balances()).toMatchObject({ COGS: '1.45', Cash: '3.76', Revenue: '-3.76' });
    expect(await qtyAt(SODA, FLOOR)).toBe('0');
    expect(await qtyAt(SODA, SHELF)).toBe('4');
    expect((await store.epcHistory(waterEpc(1))).current).toMatchObject({ status: 'sold', location: SHELF });
  });

  it('answers 200 for the same till transaction again and books nothing twice', async () => {
    const response = await till(FIRST_SALE);
    expect(response.statusCode).toBe(200);
    expect(await balances()).toMatchObject({ COGS: '1.45', Cash: '3.76' });
  });

  it('a return books back at the cost the sale took, the refund against Revenue / Cash', async () => {
    const response = await till({
      id: '1002',
      kind: 'return',
      site: 'store-1',
      till: 'till-2',
      time: '2026-12-04T10:05:00Z',
      returnOf: { till: 'till-1', id: '1001' },
      lines: [{ gtin: '00614141200023', qty: '1', unitPrice: '0.99' }],
      tender: [{ kind: 'cash', amount: '0.99' }],
    });
    expect(response.statusCode).toBe(201);
    // The sale took 1.10 for 3 soda: one back is round(1.10 / 3) = 0.3667.
    expect(await balances()).toMatchObject({ COGS: '1.0833', Cash: '2.77', Revenue: '-2.77' });
    expect(await qtyAt(SODA, FLOOR)).toBe('1');
  });

  it('a void mirrors its sale: stock, EPC state and every account come back', async () => {
    const before = await balances();
    expect(
      (
        await till(
          sale(
            '1003',
            [
              { gtin: SODA, qty: '2', unitPrice: '1' },
              { epc: waterEpc(2), unitPrice: '0.5' },
            ],
            '2.5',
          ),
        )
      ).statusCode,
    ).toBe(201);
    const voided = await till({
      id: '1004',
      kind: 'void',
      site: 'store-1',
      till: 'till-1',
      time: '2026-12-04T10:06:00Z',
      voids: '1003',
    });
    expect(voided.statusCode).toBe(201);
    expect(await balances()).toEqual(before);
    expect((await store.epcHistory(waterEpc(2))).current).toMatchObject({ status: 'in_stock', location: SHELF });
    expect((await store.check()).ok).toBe(true);
  });

  it.each([
    [
      'tender that does not pay the lines',
      sale('2001', [{ gtin: SODA, qty: '1', unitPrice: '0.99' }], '1.00'),
      422,
      'SW_POS_TENDER_MISMATCH',
    ],
    [
      'a void of an unknown sale',
      { id: '2002', kind: 'void', site: 'store-1', till: 'till-1', time: '2026-12-04T10:00:00Z', voids: 'nope' },
      422,
      'SW_POS_UNKNOWN_SALE',
    ],
    [
      'a line with both gtin and epc',
      sale('2003', [{ gtin: SODA, epc: waterEpc(9), unitPrice: '1' }], '1'),
      400,
      'SW_API_VALIDATION',
    ],
    ['a float price', { ...sale('2004', [], '1'), lines: [{ gtin: SODA, unitPrice: 0.1 }] }, 400, 'SW_API_VALIDATION'],
    [
      'more than the store has',
      sale('2005', [{ gtin: SODA, qty: '50', unitPrice: '1' }], '50'),
      422,
      'SW_POS_LINE_REJECTED',
    ],
  ])('refuses %s with a code', async (_name, body, status, code) => {
    const response = await till(body as PosTransactionInput);
    expect(response.statusCode).toBe(status);
    const json = response.json() as { code?: string; errors?: { code: string }[] };
    expect(json.code ?? json.errors?.[0]?.code).toBe(code);
  });
});
