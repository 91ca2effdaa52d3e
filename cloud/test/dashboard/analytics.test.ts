import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import fastify from 'fastify';
import { InfluxDB } from 'influx';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { startInflux, type RunningInflux } from '../../../test/support/influx.js';
import { AnalyticsConfigSchema, startAnalytics } from '../../src/analytics.js';
import { CloudEvents } from '../../src/events.js';
import { MemoryLedgerView } from '../alerts/memory-view.js';

// The whole analytics side as the cloud composes it: real InfluxDB 1.6.7, real aedes broker,
// fastify on loopback; the ledger view is the in-memory test double.
let influx: RunningInflux;
let broker: Aedes;
let server: Server;
let mqttUrl: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  influx = await startInflux();
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  mqttUrl = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync()));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await influx?.stop();
});

describe('startAnalytics', () => {
  it('wires sink, alerts and dashboard to the cloud events', async () => {
    const mqtt = await connectAsync(mqttUrl, { reconnectPeriod: 0 });
    clients.push(mqtt);
    const view = new MemoryLedgerView();
    view.productList = [{ product: '09506000134352', name: 'Cola', reorderPoint: '5', reorderQty: '24' }];
    view.setQty('09506000134352', 'store-1/shelf-1', '12');
    const events = new CloudEvents();
    const app = fastify();
    const config = AnalyticsConfigSchema.parse({
      timeseries: { kind: 'influx1', url: influx.url, database: 'analytics', flushIntervalMs: 50 },
      alerts: { reevaluateDelayMs: 0 },
    });
    const analytics = await startAnalytics(config, {
      events,
      view,
      app,
      mqtt,
      clock: systemClock,
      logger: silentLogger(),
      retainedAlertsWaitMs: 100,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });

    view.setQty('09506000134352', 'store-1/shelf-1', '3');
    events.emit('positionsChanged', [
      {
        product: '09506000134352',
        location: 'store-1/shelf-1',
        qtyDelta: '-9',
        valueDelta: '0',
        qtyAfter: '3',
        valueAfter: '0',
        kind: 'sale',
        transactionId: 't1',
        time: new Date().toISOString(),
      },
    ]);

    await expect
      .poll(() => analytics.alerts.list().map((alert) => alert.kind), { timeout: 5_000 })
      .toEqual(['low_stock']);
    await analytics.sink?.flush();
    const rows = await new InfluxDB({ host: '127.0.0.1', port: influx.port, database: 'analytics' }).query<{
      qty: number;
    }>('SELECT qty FROM stock_level');
    expect(rows.map((row) => row.qty)).toEqual([3]);
    const state = (await app.inject({ method: 'GET', url: '/dashboard/api/state' })).json<{
      alerts: unknown[];
      movements: unknown[];
    }>();
    expect(state.alerts).toHaveLength(1);
    expect(state.movements).toHaveLength(1);
    const health = (await app.inject({ method: 'GET', url: '/dashboard/api/health' })).json<{
      timeseries: { writtenPoints: number };
    }>();
    expect(health.timeseries.writtenPoints).toBe(2);

    await analytics.stop();
    await app.close();
  });
});
