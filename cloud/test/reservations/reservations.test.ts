import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../../test/support/postgres.js';
import { buildApi } from '../../src/api/server.js';
import { buildCatalog } from '../../src/ledger/catalog.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import { openReservationStore } from '../../src/reservations/open.js';
import { ReservationService } from '../../src/reservations/service.js';
import type { StoreConfig } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';

const SODA = '00614141200023';
const BACKORDER = '00614141200016';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const TOKEN = { authorization: 'Bearer channel-token' };
const catalog = buildCatalog({
  products: [
    { gtin: SODA, sku: 'SODA-330', standardCost: '0.42' },
    { gtin: BACKORDER, standardCost: '0.35', allowBackorder: true },
  ],
  locations: [
    { id: SHELF, site: 'store-1', kind: 'shelf' },
    { id: BACKROOM, site: 'store-1', kind: 'backroom' },
  ],
});

interface Server {
  app: FastifyInstance;
  url: string;
  setNow(ms: number): void;
  close(): Promise<void>;
}

/** A real ledger store, reservation store and HTTP server listening on an ephemeral loopback port. */
async function startServer(config: StoreConfig, setup: TransactionInput[] = []): Promise<Server> {
  let nowMs = Date.parse('2026-12-04T10:00:00Z');
  const ledger = await openLedgerStore(config, catalog);
  if (setup.length > 0) await ledger.applyBatch(setup.map((input) => TransactionSchema.parse(input)));
  const store = await openReservationStore(config);
  const reservations = new ReservationService({ store, ledger, catalog, nowMs: () => nowMs });
  const app = await buildApi({
    store: ledger,
    catalog,
    tokens: [{ token: 'channel-token', scopes: ['read', 'write'] }],
    reservations,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    setNow: (ms) => (nowMs = ms),
    async close() {
      await app.close();
      await store.close();
      await ledger.close();
    },
  };
}

const call = async (server: Server, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...TOKEN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};
const receipt = (id: string, product: string, location: string, qty: string): TransactionInput => ({
  type: 'receipt',
  id,
  product,
  location,
  qty,
  unitCost: '0.40',
});
const reserveLast = (orderId: string, channel: string) => ({
  orderId,
  channel,
  location: SHELF,
  lines: [{ product: SODA, qty: '1' }],
  ttlSeconds: 900,
});

describe('reservations and available-to-promise (memory ledger, real HTTP)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ kind: 'memory' }, [
      receipt('r1', SODA, SHELF, '5'),
      receipt('r2', SODA, BACKROOM, '3'),
    ]);
  });
  afterAll(() => server.close());

  const shelfRow = async () =>
    (
      (await call(server, 'GET', `/stock?product=${SODA}&location=${encodeURIComponent(SHELF)}`)).json[
        'items'
      ] as Record<string, string>[]
    )[0];

  it('holds stock: /stock shows reserved and available = on hand − reserved', async () => {
    const held = await call(server, 'POST', '/reservations', {
      ...reserveLast('o-1', 'web'),
      lines: [{ product: 'SODA-330', qty: '2' }],
    });
    expect(held.status).toBe(201);
    expect(held.json).toMatchObject({
      status: 'open',
      site: 'store-1',
      lines: [{ product: SODA, qty: '2', backorderedQty: '0' }],
    });
    expect(await shelfRow()).toMatchObject({ qty: '5', reserved: '2', available: '3' });
    expect(
      (
        await call(server, 'POST', '/reservations', {
          ...reserveLast('o-1', 'web'),
          lines: [{ product: 'SODA-330', qty: '2' }],
        })
      ).status,
    ).toBe(200);
  });

  it('answers 409 with what is available when a hold would oversell (site: 8 on hand − 2 held)', async () => {
    const refused = await call(server, 'POST', '/reservations', {
      orderId: 'o-2',
      site: 'store-1',
      lines: [{ product: SODA, qty: '7' }],
      ttlSeconds: 60,
    });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({
      code: 'SW_RESERVATION_UNAVAILABLE',
      available: [{ product: SODA, requested: '7', available: '6' }],
    });
  });

  it('promises beyond stock for a product that allows backorders, naming the backordered part', async () => {
    const held = await call(server, 'POST', '/reservations', {
      orderId: 'o-3',
      site: 'store-1',
      lines: [{ product: BACKORDER, qty: '4' }],
      ttlSeconds: 60,
    });
    expect(held.status).toBe(201);
    expect(held.json).toMatchObject({ lines: [{ qty: '4', backorderedQty: '4' }] });
  });

  it('fulfils with the sale that took the stock, cancels, and lets a hold expire', async () => {
    const sale = TransactionSchema.parse({ type: 'sale', id: 'sale-o-1', product: SODA, location: SHELF, qty: '2' });
    await server.app.inject({ method: 'POST', url: '/transactions', headers: TOKEN, payload: sale });
    expect((await call(server, 'POST', '/reservations/o-1/fulfil', { transactionId: 'nope' })).json).toMatchObject({
      code: 'SW_RESERVATION_UNKNOWN_TRANSACTION',
    });
    const fulfilled = await call(server, 'POST', '/reservations/o-1/fulfil', { transactionId: 'sale-o-1' });
    expect(fulfilled.json).toMatchObject({ status: 'fulfilled', fulfilledBy: 'sale-o-1' });
    expect(await shelfRow()).toMatchObject({ qty: '3', reserved: '0', available: '3' });
    expect((await call(server, 'POST', '/reservations/o-3/cancel')).json).toMatchObject({ status: 'cancelled' });
    expect((await call(server, 'POST', '/reservations/o-3/cancel')).status).toBe(409);
    expect((await call(server, 'POST', '/reservations', reserveLast('o-4', 'app'))).status).toBe(201);
    server.setNow(Date.parse('2026-12-04T10:15:01Z'));
    expect((await call(server, 'GET', '/reservations/o-4')).json).toMatchObject({ status: 'expired' });
    expect(await shelfRow()).toMatchObject({ reserved: '0', available: '3' });
  });

  it.each([
    [
      'site and location both',
      { orderId: 'x', site: 'store-1', location: SHELF, lines: [{ product: SODA, qty: '1' }], ttlSeconds: 1 },
    ],
    ['no expiry', { orderId: 'x', site: 'store-1', lines: [{ product: SODA, qty: '1' }] }],
    ['a float quantity', { orderId: 'x', site: 'store-1', lines: [{ product: SODA, qty: 0.5 }], ttlSeconds: 1 }],
  ])('refuses %s with 400', async (_name, body) => {
    expect((await call(server, 'POST', '/reservations', body)).status).toBe(400);
  });
});

/** Many channels at once for the last unit on the shelf: exactly one hold may win. */
async function raceForLastUnit(servers: Server[], requests: number): Promise<number[]> {
  const responses = await Promise.all(
    Array.from({ length: requests }, (_, index) =>
      call(
        servers[index % servers.length] as Server,
        'POST',
        '/reservations',
        reserveLast(`race-${index}`, `channel-${index}`),
      ),
    ),
  );
  return responses.map((response) => response.status);
}
const REQUESTS = 40;

describe('two channels reserving the last unit at once: exactly one wins', () => {
  let postgres: RunningPostgres;
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-reservations-'));
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it(`SQLite file: ${REQUESTS} parallel requests over HTTP`, async () => {
    const server = await startServer({ kind: 'sqlite', path: join(directory, 'ledger.sqlite') }, [
      receipt('r1', SODA, SHELF, '1'),
    ]);
    try {
      const statuses = await raceForLastUnit([server], REQUESTS);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(REQUESTS - 1);
    } finally {
      await server.close();
    }
  });

  it(`PostgreSQL: ${REQUESTS} parallel requests spread over two servers sharing the database`, async () => {
    const url = await postgres.createDatabase('reservations_race');
    const first = await startServer({ kind: 'postgres', url, poolSize: 2 }, [receipt('r1', SODA, SHELF, '1')]);
    const second = await startServer({ kind: 'postgres', url, poolSize: 2 });
    try {
      const statuses = await raceForLastUnit([first, second], REQUESTS);
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(REQUESTS - 1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
