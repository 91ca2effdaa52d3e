import { InfluxDB } from 'influx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { freePort, startInflux, type RunningInflux } from '../../../test/support/influx.js';
import { CloudEvents, type PositionChange } from '../../src/events.js';
import { TimeseriesConfigSchema } from '../../src/timeseries/config.js';
import { createTimeseriesSink } from '../../src/timeseries/index.js';
import { Influx1Writer } from '../../src/timeseries/influx1-writer.js';
import { Influx2Writer } from '../../src/timeseries/influx2-writer.js';
import { pointsFromPositions } from '../../src/timeseries/points.js';
import { TimeseriesSink } from '../../src/timeseries/sink.js';

// Real InfluxDB 1.6.7 started on loopback for this file; queried back with the `influx` client.
let influx: RunningInflux;

beforeAll(async () => {
  influx = await startInflux();
});
afterAll(async () => {
  await influx?.stop();
});

function change(index: number, overrides: Partial<PositionChange> = {}): PositionChange {
  return {
    product: '09506000134352',
    location: 'store-1/shelf 1,a',
    qtyDelta: '1',
    valueDelta: '1.25',
    qtyAfter: String(index + 1),
    valueAfter: ((index + 1) * 1.25).toFixed(2),
    kind: 'receipt',
    transactionId: `tx-${index}`,
    time: new Date(Date.parse('2026-11-25T10:00:00.000Z') + index * 1000).toISOString(),
    ...overrides,
  };
}

function client(database: string): InfluxDB {
  return new InfluxDB({ host: '127.0.0.1', port: influx.port, database });
}

describe('InfluxDB 1.x sink against a real influxd', () => {
  it('writes stock levels, movements and gateway health that query back exactly', async () => {
    const config = TimeseriesConfigSchema.parse({
      kind: 'influx1',
      url: influx.url,
      database: 'sw_roundtrip',
      flushIntervalMs: 50,
    });
    const sink = createTimeseriesSink(config, { clock: systemClock, logger: silentLogger() });
    if (!sink) throw new Error('sink expected');
    const events = new CloudEvents();
    await sink.start();
    const detach = sink.attach(events);
    events.emit('positionsChanged', [change(0), change(1)]);
    events.emit(
      'gatewayStatus',
      { state: 'offline', gatewayId: 'gw-1', siteId: 'store-1', time: '2026-11-25T10:00:05.000Z' },
      'stockwire/v1/store-1/gw-1/status',
    );
    await sink.flush();
    detach();
    await sink.close();

    expect(sink.stats()).toMatchObject({ writtenPoints: 5, droppedPoints: 0, bufferedPoints: 0 });
    const rows = await client('sw_roundtrip').query<{ qty: number; location: string; product: string }>(
      'SELECT qty, location, product FROM stock_level ORDER BY time',
    );
    expect(rows.map((row) => [row.location, row.product, row.qty])).toEqual([
      ['store-1/shelf 1,a', '09506000134352', 1],
      ['store-1/shelf 1,a', '09506000134352', 2],
    ]);
    const movements = await client('sw_roundtrip').query<{ transaction_id: string; kind: string }>(
      'SELECT * FROM movement',
    );
    expect(movements.map((row) => row.transaction_id)).toEqual(['tx-0', 'tx-1']);
    const gateways = await client('sw_roundtrip').query<{ online: boolean }>('SELECT online FROM gateway_health');
    expect(gateways.map((row) => row.online)).toEqual([false]);
    // no EPC-like or transaction tags: series cardinality stays products × locations × kinds
    const tagKeys = await client('sw_roundtrip').query<{ tagKey: string }>('SHOW TAG KEYS FROM movement');
    expect(tagKeys.map((row) => row.tagKey).sort()).toEqual(['kind', 'location', 'product']);
  });

  it('writes a 12,000-point backlog in batches of batchLinesMax', async () => {
    const clock = new ManualClock(0);
    const config = TimeseriesConfigSchema.parse({
      kind: 'influx1',
      url: influx.url,
      database: 'sw_batches',
      batchLinesMax: 5000,
    });
    const writer = new Influx1Writer(config);
    const sizes: number[] = [];
    const sink = new TimeseriesSink(
      config,
      {
        target: writer.target,
        prepare: () => writer.prepare(),
        close: () => writer.close(),
        write: (points) => (sizes.push(points.length), writer.write(points)),
      },
      { clock, logger: silentLogger() },
    );
    await sink.start();
    const changes = Array.from({ length: 6000 }, (_, index) => change(index, { location: `loc-${index % 50}` }));
    for (let offset = 0; offset < changes.length; offset += 500) {
      sink.enqueue(pointsFromPositions(changes.slice(offset, offset + 500), 0));
    }
    await sink.flush();
    expect(sizes.every((size) => size <= 5000)).toBe(true);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(12_000);
    const [count] = await client('sw_batches').query<{ count: number }>('SELECT count(qty) FROM stock_level');
    expect(count?.count).toBe(6000);
    await sink.close();
  });

  it('keeps going while InfluxDB is down, retries with backoff, and loses nothing once it is back', async () => {
    const port = await freePort();
    const clock = new ManualClock(0);
    const config = TimeseriesConfigSchema.parse({
      kind: 'influx1',
      url: `http://127.0.0.1:${port}`,
      database: 'sw_outage',
      flushIntervalMs: 100,
      retryDelayMinMs: 1000,
      requestTimeoutMs: 2000,
    });
    const sink = createTimeseriesSink(config, { clock, logger: silentLogger() });
    if (!sink) throw new Error('sink expected');
    await sink.start(); // database creation fails: logged, not fatal
    const events = new CloudEvents();
    sink.attach(events);
    events.emit('positionsChanged', [change(0)]); // the emitter returns: the ledger is never blocked
    clock.advanceBy(100);
    await sink.idle();
    expect(sink.stats()).toMatchObject({
      failedWrites: 1,
      consecutiveFailures: 1,
      bufferedPoints: 2,
      droppedPoints: 0,
    });
    expect(sink.stats().lastError).toMatch(/ECONNREFUSED|connect/i);

    events.emit('positionsChanged', [change(1)]);
    clock.advanceBy(500); // still inside the 1 s backoff: no attempt
    await sink.idle();
    expect(sink.stats().failedWrites).toBe(1);
    clock.advanceBy(600);
    await sink.idle();
    expect(sink.stats()).toMatchObject({ failedWrites: 2, bufferedPoints: 4 });

    const revived = await startInflux({ port });
    try {
      await new Influx1Writer(config).prepare();
      clock.advanceBy(2000);
      await sink.idle();
      expect(sink.stats()).toMatchObject({
        writtenPoints: 4,
        bufferedPoints: 0,
        droppedPoints: 0,
        consecutiveFailures: 0,
      });
      const rows = await new InfluxDB({ host: '127.0.0.1', port, database: 'sw_outage' }).query<{
        transaction_id: string;
      }>('SELECT transaction_id FROM movement ORDER BY time');
      expect(rows.map((row) => row.transaction_id)).toEqual(['tx-0', 'tx-1']);
    } finally {
      await sink.close();
      await revived.stop();
    }
  });

  it('counts and reports points dropped past bufferPointsMax', async () => {
    const port = await freePort();
    const clock = new ManualClock(0);
    const config = TimeseriesConfigSchema.parse({
      kind: 'influx1',
      url: `http://127.0.0.1:${port}`,
      bufferPointsMax: 10,
      closeTimeoutMs: 0,
    });
    const sink = createTimeseriesSink(config, { clock, logger: silentLogger() });
    if (!sink) throw new Error('sink expected');
    const events = new CloudEvents();
    sink.attach(events);
    events.emit(
      'positionsChanged',
      Array.from({ length: 8 }, (_, index) => change(index)),
    ); // 16 points
    expect(sink.stats()).toMatchObject({ bufferedPoints: 10, droppedPoints: 6 });
    await sink.close();
    expect(sink.stats()).toMatchObject({ bufferedPoints: 0, droppedPoints: 16 });
  });
});

describe('InfluxDB 2.x writer', () => {
  it('fails cleanly against 1.6.7, which has no /api/v2/write, and keeps the points buffered', async () => {
    const clock = new ManualClock(0);
    const config = TimeseriesConfigSchema.parse({
      kind: 'influx2',
      url: influx.url,
      token: 'unused',
      org: 'stockwire',
      bucket: 'sw2',
    });
    const writer = new Influx2Writer(config);
    const sink = new TimeseriesSink(config, writer, { clock, logger: silentLogger() });
    const events = new CloudEvents();
    sink.attach(events);
    events.emit('positionsChanged', [change(0)]);
    await sink.flush();
    expect(sink.stats()).toMatchObject({ failedWrites: 1, bufferedPoints: 2, writtenPoints: 0, droppedPoints: 0 });
    expect(sink.stats().lastError).toMatch(/404|not found/i);
    await writer.close();
  });
});
