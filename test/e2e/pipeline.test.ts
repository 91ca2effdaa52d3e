import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { silentLogger } from '../../shared/src/log.js';
import { startDemo, type RunningDemo } from '../../simulators/src/demo.js';
import { connectClient } from '../support/cloud-harness.js';
import { waitFor } from '../support/wait.js';

interface StockItem {
  product: string;
  location: string;
  qty: string;
}

const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
// The demo pallet: 12 cases of three GTINs (simulators/scenarios/dock-door-demo.yaml).
const CASES_PER_PALLET: Record<string, number> = { '10614141000019': 5, '10614141000026': 4, '10614141000033': 3 };

async function backroomStock(demo: RunningDemo): Promise<Record<string, number>> {
  const response = await fetch(`${demo.cloud.httpUrl}/stock?location=${encodeURIComponent(BACKROOM)}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { items: StockItem[] };
  return Object.fromEntries(
    body.items.filter((item) => item.location === BACKROOM).map((item) => [item.product, Number(item.qty)]),
  );
}

/** Cases received into the backroom per GTIN (the backroom clerk opens some, so its stock is not the count). */
async function receivedCases(demo: RunningDemo): Promise<Record<string, number>> {
  const response = await fetch(`${demo.cloud.httpUrl}/entries?limit=1000&location=${encodeURIComponent(BACKROOM)}`);
  const body = (await response.json()) as { items: { product: string; kind: string; qtyDelta: string }[] };
  const received: Record<string, number> = {};
  for (const entry of body.items)
    if (entry.kind === 'receipt') received[entry.product] = (received[entry.product] ?? 0) + Number(entry.qtyDelta);
  return received;
}

/**
 * The whole path with real parts: embedded aedes (auth + ACL) on an ephemeral loopback
 * port, the gateway daemon with its simulated dock door, debounce engine, SQLite outbox
 * and MQTT publisher, the cloud consumer and the SQLite ledger behind the HTTP API.
 */
describe('end to end: simulated dock door → gateway → MQTT → cloud ledger', () => {
  let demo: RunningDemo;
  let dataDir: string;
  const captured: { topic: string; payload: Buffer }[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stockwire-e2e-'));
    demo = await startDemo({ mqttPort: 0, httpPort: 0, dataDir, keep: false, logger: silentLogger() });
    // Record what the gateway publishes, to publish it all again later.
    const spy = await connectClient(demo.mqttUrl, 'e2e-spy', {
      username: 'cloud',
      password: 'cloud-demo-password',
      clean: true,
    });
    spy.on('message', (topic, payload) => captured.push({ topic, payload: Buffer.from(payload) }));
    await spy.subscribeAsync(gatewayTopic('store-1', 'dock-gw-1', 'events'), { qos: 1 });
    afterAllClients.push(() => spy.endAsync());
  });
  const afterAllClients: (() => Promise<void>)[] = [];

  afterAll(async () => {
    for (const close of afterAllClients) await close();
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('books every pallet received through door 3, case by case', async () => {
    // Two pallets at least (one every ~5 s), so the arithmetic is checked more than once.
    const stock = await waitFor(
      async () => {
        const current = await receivedCases(demo);
        return (current['10614141000019'] ?? 0) >= 10 ? current : undefined;
      },
      30_000,
      'two pallets in the backroom',
    );
    const pallets = stock['10614141000019']! / CASES_PER_PALLET['10614141000019']!;
    expect(Number.isInteger(pallets)).toBe(true);
    for (const [gtin, cases] of Object.entries(CASES_PER_PALLET)) {
      // A pallet still in flight may have landed between the reads; never a partial pallet.
      expect(stock[gtin]! % cases).toBe(0);
    }
  });

  it('sells at the till: COGS and Revenue move, the shelf was stocked from unpacked cases (no opening count)', async () => {
    const accounts = await waitFor(
      async () => {
        const response = await fetch(`${demo.cloud.httpUrl}/trial-balance`);
        const balances = Object.fromEntries(
          ((await response.json()) as { accounts: { account: string; balance: string }[] }).accounts.map((row) => [
            row.account,
            row.balance,
          ]),
        );
        return balances['COGS'] !== undefined ? balances : undefined;
      },
      60_000,
      'a sale at the till',
    );
    // Exact decimals: a sale books COGS (debit) and Revenue (credit) at once; the books balance.
    expect(accounts['COGS']).toMatch(/^\d+(\.\d{1,4})?$/);
    expect(accounts['Revenue']).toMatch(/^-\d+(\.\d{1,4})?$/);
    expect(accounts['Cash']).toBe(accounts['Revenue']?.slice(1));
    expect(accounts['Opening Balance Equity']).toBeUndefined();
    const unpacks = await fetch(`${demo.cloud.httpUrl}/entries?limit=1000`);
    const kinds = ((await unpacks.json()) as { items: { kind: string }[] }).items.map((entry) => entry.kind);
    expect(kinds).toContain('unpack_in');
  });

  it('changes nothing when every published event is published again', async () => {
    await demo.stopStoreOperations();
    await demo.gateway.stop('test: freeze the stock');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await backroomStock(demo);
    // Snapshot first: the spy would otherwise record our own re-publication too.
    const toReplay = captured.splice(0);
    expect(toReplay.length).toBeGreaterThan(0);
    const duplicatesBefore = demo.cloud.consumer.stats().eventsDuplicate;

    // The gateway user may publish on its own topics only, with its own client id.
    const replayer = await connectClient(demo.mqttUrl, 'dock-gw-1', {
      username: 'dock-gw-1',
      password: 'dock-gw-1-demo',
      clean: true,
    });
    for (const message of toReplay) await replayer.publishAsync(message.topic, message.payload, { qos: 1 });
    await replayer.endAsync();

    const replayedEvents = toReplay.reduce(
      (sum, message) =>
        sum +
        (
          JSON.parse(message.payload.toString()) as { epcisBody: { eventList: { type: string }[] } }
        ).epcisBody.eventList.filter((event) => event.type === 'ObjectEvent').length,
      0,
    );
    await waitFor(
      () => (demo.cloud.consumer.stats().eventsDuplicate - duplicatesBefore >= replayedEvents ? true : undefined),
      10_000,
      'duplicates to be recognised',
    );
    expect(await backroomStock(demo)).toEqual(before);
    expect(demo.cloud.consumer.stats().deadLettered).toEqual({});
  });
});
