import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { PosTransactionInput } from '../../../shared/src/contracts/pos.js';
import { DEADLETTER_TOPIC, posTopic } from '../../../shared/src/contracts/topics.js';
import { TransactionSchema } from '../../src/ledger/transactions.js';
import { connectClient, startCloudHarness, type CloudHarness } from '../../../test/support/cloud-harness.js';
import { waitFor } from '../../../test/support/wait.js';

const SODA = '00614141200023';
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';

describe('POS over MQTT (real aedes, real cloud service)', () => {
  let harness: CloudHarness;
  let tillClient: MqttClient;
  let watcher: MqttClient;
  const deadLetters: { code: string }[] = [];

  beforeAll(async () => {
    harness = await startCloudHarness();
    await harness.cloud.store.applyBatch([
      TransactionSchema.parse({
        type: 'receipt',
        id: 'r1',
        product: SODA,
        location: SHELF,
        qty: '10',
        unitCost: '0.40',
      }),
    ]);
    watcher = await connectClient(harness.mqttUrl, 'deadletter-watcher');
    watcher.on('message', (_topic, payload) => deadLetters.push(JSON.parse(payload.toString()) as { code: string }));
    await watcher.subscribeAsync(DEADLETTER_TOPIC, { qos: 1 });
    tillClient = await connectClient(harness.mqttUrl, 'till-1');
  });
  afterAll(async () => {
    await tillClient.endAsync();
    await watcher.endAsync();
    await harness.stop();
  });

  const balances = async () =>
    Object.fromEntries((await harness.cloud.store.trialBalance()).accounts.map((row) => [row.account, row.balance]));
  const sale = (id: string, qty: string, tender: string): PosTransactionInput => ({
    id,
    kind: 'sale',
    site: 'store-1',
    till: 'till-1',
    time: '2026-12-04T10:00:00Z',
    lines: [{ gtin: SODA, qty, unitPrice: '0.99' }],
    tender: [{ kind: 'cash', amount: tender }],
  });

  it('books a till sale at once (COGS, Inventory, Cash, Revenue), idempotent on redelivery', async () => {
    const topic = posTopic('store-1', 'till-1');
    await tillClient.publishAsync(topic, JSON.stringify(sale('5001', '4', '3.96')), { qos: 1 });
    await tillClient.publishAsync(topic, JSON.stringify(sale('5001', '4', '3.96')), { qos: 1 });
    const books = await waitFor(
      async () => ((await balances())['COGS'] ? await balances() : undefined),
      10_000,
      'COGS',
    );
    expect(books).toMatchObject({ COGS: '1.6', 'Inventory:store-1': '2.4', Cash: '3.96', Revenue: '-3.96' });
    await waitFor(() => (harness.cloud.consumer.stats().eventsDuplicate === 1 ? true : undefined), 10_000, 'duplicate');
    expect((await balances())['COGS']).toBe('1.6');
  });

  it.each([
    ['tender short', 'till-1', JSON.stringify(sale('5002', '1', '0.01')), 'SW_POS_TENDER_MISMATCH'],
    ['another till in the payload', 'till-9', JSON.stringify(sale('5003', '1', '0.99')), 'SW_POS_TOPIC_MISMATCH'],
    ['not JSON', 'till-1', '{', 'SW_INGEST_NOT_JSON'],
    ['not a till transaction', 'till-1', '{"id":"x"}', 'SW_POS_SCHEMA'],
  ])('dead-letters %s with its code and keeps consuming', async (_name, tillId, payload, code) => {
    const before = deadLetters.length;
    await tillClient.publishAsync(posTopic('store-1', tillId), payload, { qos: 1 });
    const letter = await waitFor(() => deadLetters.slice(before).find((each) => each.code === code), 10_000, code);
    expect(letter.code).toBe(code);
    expect((await balances())['COGS']).toBe('1.6');
  });
});
