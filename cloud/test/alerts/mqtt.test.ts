import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { AlertsConfigSchema } from '../../src/alerts/config.js';
import { collectRetainedAlerts, mqttPublishFn } from '../../src/alerts/mqtt.js';
import { ALERTS_SUBSCRIPTION, alertTopic, fromTopicSafe, topicSafe } from '../../src/alerts/publisher.js';
import { AlertService } from '../../src/alerts/service.js';
import { AlertSchema } from '../../src/alerts/types.js';
import { CloudEvents } from '../../src/events.js';
import { MemoryLedgerView } from './memory-view.js';

// A real in-process aedes broker on a loopback ephemeral port, real mqtt.js clients.
let broker: Aedes;
let server: Server;
let url: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync()));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function connect(): Promise<MqttClient> {
  const client = await connectAsync(url, { reconnectPeriod: 0 });
  clients.push(client);
  return client;
}

/** Subscribes a fresh client and returns the retained payloads it receives within `waitMs`. */
async function retainedNow(waitMs = 150): Promise<Map<string, string>> {
  const client = await connect();
  const seen = new Map<string, string>();
  client.on('message', (topic, payload, packet) => {
    if (packet.retain) seen.set(topic, payload.toString('utf8'));
  });
  await client.subscribeAsync(ALERTS_SUBSCRIPTION, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  await client.endAsync();
  return seen;
}

const GTIN = '09506000134352';

describe('alert topics', () => {
  it.each([['low_stock/09506000134352/store-1/shelf 1'], ['reader_fault/store-1/gw-1/dock#1+x'], ['ageing/ü/€']])(
    'encodes %s as one reversible topic level',
    (key) => {
      const encoded = topicSafe(key);
      expect(encoded).not.toMatch(/[/+#\s]/);
      expect(fromTopicSafe(encoded)).toBe(key);
    },
  );
});

describe('alerts over MQTT (real aedes)', () => {
  it('publishes a low-stock alert retained per key and clears it with an empty retained payload', async () => {
    const publisher = await connect();
    const view = new MemoryLedgerView();
    view.productList = [{ product: GTIN, name: 'Cola', reorderPoint: '5', reorderQty: '24' }];
    view.setQty(GTIN, 'store-1/shelf-1', '10');
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    const events = new CloudEvents();
    const service = new AlertService(AlertsConfigSchema.parse({ reevaluateDelayMs: 100 }), {
      view,
      publish: mqttPublishFn(publisher),
      clock,
      logger: silentLogger(),
    });
    service.attach(events);
    const changes: unknown[] = [];
    service.onChange((change) => changes.push(change));

    await service.evaluateStock();
    expect(service.list()).toEqual([]);

    // the shelf runs low: a positionsChanged schedules a prompt re-evaluation
    view.setQty(GTIN, 'store-1/shelf-1', '2');
    events.emit('positionsChanged', [
      {
        product: GTIN,
        location: 'store-1/shelf-1',
        qtyDelta: '-8',
        valueDelta: '0',
        qtyAfter: '2',
        valueAfter: '0',
        kind: 'sale',
        transactionId: 't1',
        time: '2026-11-25T12:00:00Z',
      },
    ]);
    clock.advanceBy(100);
    await service.settled();
    const [alert] = service.list();
    expect(alert).toMatchObject({ kind: 'low_stock', details: { suggestedOrderQty: '24' } });
    const topic = alertTopic({ kind: 'low_stock', key: `low_stock/${GTIN}/store-1/shelf-1` });
    expect(topic).toBe(`stockwire/v1/alerts/low_stock/low_stock~2F${GTIN}~2Fstore-1~2Fshelf-1`);

    const retained = await retainedNow();
    expect(AlertSchema.parse(JSON.parse(retained.get(topic) ?? 'null'))).toEqual(alert);

    view.setQty(GTIN, 'store-1/shelf-1', '30');
    await service.evaluateStock();
    await service.settled();
    expect(service.list()).toEqual([]);
    expect((await retainedNow()).has(topic)).toBe(false);
    expect(changes).toHaveLength(2);
    await service.close();
  });

  it('adopts alerts retained by a previous run and clears those that ended', async () => {
    const publisher = await connect();
    const view = new MemoryLedgerView();
    view.productList = [{ product: GTIN, reorderPoint: '5', reorderQty: '24' }];
    view.setQty(GTIN, 'store-2/shelf-1', '1');
    const first = new AlertService(AlertsConfigSchema.parse({}), {
      view,
      publish: mqttPublishFn(publisher),
      clock: systemClock,
      logger: silentLogger(),
    });
    await first.evaluateStock();
    await first.close();

    // a restart: the new service starts empty but learns what the broker still shows
    view.setQty(GTIN, 'store-2/shelf-1', '50');
    const second = new AlertService(AlertsConfigSchema.parse({}), {
      view,
      publish: mqttPublishFn(publisher),
      clock: systemClock,
      logger: silentLogger(),
    });
    const adopted = await collectRetainedAlerts(publisher, { clock: systemClock, logger: silentLogger(), waitMs: 150 });
    expect(adopted.map((alert) => alert.subject.location)).toContain('store-2/shelf-1');
    second.adopt(adopted);
    await second.evaluateStock();
    await second.settled();
    expect([...(await retainedNow()).keys()].some((topic) => topic.includes('store-2'))).toBe(false);
    await second.close();
  });

  it('retries a failed publish on the next tick and keeps evaluating when the ledger view fails', async () => {
    const publisher = await connect();
    let failuresLeft = 1;
    const publish = async (topic: string, payload: string, options: { retain: boolean; qos: 0 | 1 }): Promise<void> => {
      if (failuresLeft-- > 0) throw new Error('not connected');
      await publisher.publishAsync(topic, payload, options);
    };
    const view = new MemoryLedgerView();
    view.productList = [{ product: GTIN, reorderPoint: '5', reorderQty: '24' }];
    view.setQty(GTIN, 'store-3/shelf-1', '1');
    const service = new AlertService(AlertsConfigSchema.parse({}), {
      view,
      publish,
      clock: new ManualClock(0),
      logger: silentLogger(),
    });
    await service.evaluateStock();
    await service.settled();
    expect(service.stats()).toMatchObject({ active: 1, publishFailures: 1, pendingPublishes: 1 });
    service.tick();
    await service.settled();
    expect(service.stats().pendingPublishes).toBe(0);
    expect([...(await retainedNow()).keys()].some((topic) => topic.includes('store-3'))).toBe(true);

    view.failing = true;
    await service.evaluateStock();
    expect(service.stats()).toMatchObject({ active: 1, evaluationFailures: 1 });
    // leave the broker clean for other tests
    view.failing = false;
    view.setQty(GTIN, 'store-3/shelf-1', '9');
    await service.evaluateStock();
    await service.close();
  });

  it('raises gateway offline from a last-will status and clears it when the gateway returns', async () => {
    const publisher = await connect();
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    const events = new CloudEvents();
    const service = new AlertService(AlertsConfigSchema.parse({}), {
      view: new MemoryLedgerView(),
      publish: mqttPublishFn(publisher),
      clock,
      logger: silentLogger(),
    });
    service.attach(events);
    events.emit(
      'gatewayStatus',
      { state: 'offline', gatewayId: 'gw-9', siteId: 'store-9', time: '2026-11-25T12:00:00Z' },
      'stockwire/v1/store-9/gw-9/status',
    );
    await service.settled();
    const topic = 'stockwire/v1/alerts/gateway_offline/gateway_offline~2Fstore-9~2Fgw-9';
    expect((await retainedNow()).has(topic)).toBe(true);
    events.emit(
      'gatewayStatus',
      { state: 'online', gatewayId: 'gw-9', siteId: 'store-9', time: '2026-11-25T12:00:01Z', readers: [] },
      'stockwire/v1/store-9/gw-9/status',
    );
    await service.settled();
    expect((await retainedNow()).has(topic)).toBe(false);
    await service.close();
  });
});
