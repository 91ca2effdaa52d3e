import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { MONEY_SCALE, parseTrusted } from '../../src/ledger/decimal.js';
import type { LedgerStore, TrialBalance } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { AVERAGE, contractCatalog, FIFO } from '../store/contract.js';

/**
 * Period close, the trial balance per period and the journal export, through the
 * HTTP API on a SQLite store; the hledger export is read by Debian's real `hledger`
 * (scripts/provision.sh installs it), whose balances must equal /trial-balance.
 */
const WRITE = { authorization: 'Bearer writer-token' };
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const OTHER_SITE = 'urn:stockwire:loc:store-2:backroom';
const hledgerAvailable = spawnSync('hledger', ['--version']).status === 0;
const directory = mkdtempSync(join(tmpdir(), 'stockwire-finance-'));

describe('finance: period close, trial balance per period, journal export', () => {
  let app: FastifyInstance;
  let store: LedgerStore;
  let nowMs = Date.parse('2026-11-30T12:00:00Z');

  beforeAll(async () => {
    store = await openLedgerStore({ kind: 'sqlite', path: join(directory, 'ledger.sqlite') }, contractCatalog(), {
      nowMs: () => nowMs,
    });
    app = await buildApi({
      store,
      catalog: contractCatalog(),
      tokens: [{ token: 'writer-token', scopes: ['read', 'write'] }],
    });
    const november = [
      {
        id: 'r1',
        type: 'receipt',
        product: FIFO,
        location: BACKROOM,
        qty: '10',
        unitCost: '2.5',
        time: '2026-11-02T09:00:00Z',
      },
      {
        id: 'r2',
        type: 'receipt',
        product: AVERAGE,
        location: BACKROOM,
        qty: '3',
        unitCost: '1.3333',
        time: '2026-11-03T09:00:00Z',
      },
      {
        id: 't1',
        type: 'transfer',
        product: FIFO,
        from: BACKROOM,
        to: OTHER_SITE,
        qty: '4',
        time: '2026-11-04T09:00:00Z',
      },
      {
        id: 's1',
        type: 'sale',
        product: FIFO,
        location: BACKROOM,
        qty: '3',
        unitPrice: '4.99',
        time: '2026-11-05T09:00:00Z',
      },
      { id: 's2', type: 'sale', product: AVERAGE, location: BACKROOM, qty: '2', time: '2026-11-06T09:00:00Z' },
      { id: 'c1', type: 'count', product: FIFO, location: BACKROOM, qty: '2', time: '2026-11-07T09:00:00Z' },
      { id: 'v1', type: 'reversal', of: 's2', time: '2026-11-08T09:00:00Z' },
      {
        id: 'x1',
        type: 'supplier_return',
        product: AVERAGE,
        location: BACKROOM,
        qty: '1',
        of: 'r2',
        time: '2026-11-09T09:00:00Z',
      },
    ];
    const response = await app.inject({
      method: 'POST',
      url: '/transactions',
      headers: WRITE,
      payload: { transactions: november },
    });
    const results = (response.json() as { results: { id: string; status: string }[] }).results;
    expect(results.map((result) => result.status)).toEqual(november.map(() => 'applied'));
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const get = async (url: string) => app.inject({ method: 'GET', url, headers: WRITE });
  const close = async (period: string) =>
    app.inject({ method: 'POST', url: `/periods/${period}/close`, headers: WRITE });

  it('refuses to close a month that has not ended, then closes it once it has', async () => {
    expect((await close('2026-11')).json()).toMatchObject({ ok: false, code: 'SW_LEDGER_PERIOD_NOT_ENDED' });
    expect((await close('2026-11')).statusCode).toBe(422);
    expect((await close('2026-13')).statusCode).toBe(400);
    nowMs = Date.parse('2026-12-04T08:00:00Z');
    const closed = await close('2026-11');
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({
      ok: true,
      period: '2026-11',
      closedThrough: '2026-11-30T23:59:59.999Z',
      alreadyClosed: false,
    });
    expect((await close('2026-10')).json()).toMatchObject({ ok: true, alreadyClosed: true });
    expect((await get('/periods')).json()).toMatchObject({ items: [{ period: '2026-11' }] });
  });

  it('posts a late event in the open period; its stock entry keeps its own time', async () => {
    const before = (await get('/trial-balance?period=2026-11')).json() as TrialBalance & { closed: boolean };
    expect(before.closed).toBe(true);
    const late = await app.inject({
      method: 'POST',
      url: '/sales',
      headers: WRITE,
      payload: {
        id: 's-late',
        product: FIFO,
        location: BACKROOM,
        qty: '1',
        unitPrice: '4.99',
        time: '2026-11-20T18:00:00Z',
      },
    });
    expect(late.json()).toMatchObject({ status: 'applied', flags: expect.arrayContaining(['posted_in_open_period']) });
    const lines = (await get('/journal?transactionId=s-late')).json() as { items: { time: string }[] };
    expect(new Set(lines.items.map((line) => line.time))).toEqual(new Set(['2026-12-01T00:00:00.000Z']));
    const entries = (await get('/entries?transactionId=s-late')).json() as { items: { time: string }[] };
    expect(entries.items[0]?.time).toBe('2026-11-20T18:00:00.000Z');
    // The closed month's trial balance did not move; December's holds the late sale.
    expect((await get('/trial-balance?period=2026-11')).json()).toEqual(before);
    const december = (await get('/trial-balance?period=2026-12')).json() as TrialBalance;
    expect(december.accounts).toEqual((await get('/trial-balance')).json().accounts);
    expect(december.balanced).toBe(true);
  });

  it('exports the journal as CSV, one row per journal line', async () => {
    const response = await get('/journal?format=csv');
    expect(response.headers['content-type']).toContain('text/csv');
    const rows = response.body.trim().split('\n');
    expect(rows[0]).toBe('seq,transactionId,time,account,debit,credit');
    const lines = (await get('/journal?limit=1000')).json() as { items: unknown[] };
    expect(rows.length - 1).toBe(lines.items.length);
    expect(rows).toContain(`${(lines.items[0] as { seq: number }).seq},r1,2026-11-02T09:00:00.000Z,GRNI,0,25`);
  });

  it.skipIf(!hledgerAvailable)(
    'exports an hledger journal that hledger checks and balances to /trial-balance',
    async () => {
      const response = await get('/journal?format=hledger');
      expect(response.statusCode).toBe(200);
      const file = join(directory, 'stockwire.journal');
      writeFileSync(file, response.body);
      execFileSync('hledger', ['-f', file, 'check'], { stdio: 'pipe' });
      const csv = execFileSync('hledger', ['-f', file, 'balance', '-O', 'csv', '--flat', '--no-total'], {
        encoding: 'utf8',
      });
      const money = (text: string) => parseTrusted(text, MONEY_SCALE);
      const fromHledger = Object.fromEntries(
        csv
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.split('","').map((field) => field.replace(/"/g, '')))
          .map(([account, balance]) => [account, money(balance ?? '0')]),
      );
      const trial = (await get('/trial-balance')).json() as TrialBalance;
      const fromLedger = Object.fromEntries(
        trial.accounts.filter((row) => money(row.balance) !== 0n).map((row) => [row.account, money(row.balance)]),
      );
      expect(Object.keys(fromLedger).length).toBeGreaterThanOrEqual(6);
      expect(fromHledger).toEqual(fromLedger);
    },
  );
});
