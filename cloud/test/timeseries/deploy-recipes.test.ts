import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InfluxDB } from 'influx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { startInflux, type RunningInflux } from '../../../test/support/influx.js';
import { CloudEvents } from '../../src/events.js';
import { TimeseriesConfigSchema } from '../../src/timeseries/config.js';
import { createTimeseriesSink } from '../../src/timeseries/index.js';

// The deploy/ recipes run against a real InfluxDB 1.6.7: the retention/CQ script applies (twice:
// it must be re-runnable), the CQ bodies downsample real points, and every Grafana query parses
// and returns data written by the sink.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const database = 'stockwire';
let influx: RunningInflux;
let client: InfluxDB;

beforeAll(async () => {
  influx = await startInflux();
  client = new InfluxDB({ host: '127.0.0.1', port: influx.port, database });
  const run = promisify(execFile);
  await run('bash', [join(root, 'deploy/influxdb/apply-retention.sh'), influx.url, database]);
  await run('bash', [join(root, 'deploy/influxdb/apply-retention.sh'), influx.url, database]);

  const sink = createTimeseriesSink(TimeseriesConfigSchema.parse({ kind: 'influx1', url: influx.url, database }), {
    clock: systemClock,
    logger: silentLogger(),
  });
  if (!sink) throw new Error('sink expected');
  const events = new CloudEvents();
  sink.attach(events);
  const twoHoursAgoMs = Date.now() - 2 * 3_600_000;
  events.emit(
    'positionsChanged',
    [0, 1, 2].map((index) => ({
      product: '09506000134352',
      location: 'store-1/shelf-1',
      qtyDelta: '-1',
      valueDelta: '-1.5',
      qtyAfter: String(10 - index),
      valueAfter: String((10 - index) * 1.5),
      kind: 'sale',
      transactionId: `t${index}`,
      time: new Date(twoHoursAgoMs + index * 60_000).toISOString(),
    })),
  );
  events.emit(
    'gatewayStatus',
    {
      state: 'online',
      siteId: 'store-1',
      gatewayId: 'gw-1',
      time: new Date(twoHoursAgoMs).toISOString(),
      readers: [
        {
          readerId: 'r1',
          protocol: 'sim',
          connected: true,
          lastReadTime: twoHoursAgoMs - 500,
          framesOk: 5,
          framesBad: 0,
          reconnects: 0,
          lastError: null,
          readsPerSecond: 3,
          antennas: [{ antenna: 1, readsPerSecond: 3, rssiDbmMean: -60 }],
        },
      ],
      outbox: { depth: 2, bytes: 100, fillRatio: 0, dropped: 0 },
    },
    'stockwire/v1/store-1/gw-1/status',
  );
  events.emit('deadLetter', {
    topic: 'stockwire/v1/store-1/gw-1/events',
    reason: 'bad',
    code: 'SW_INGEST_EVENT_REJECTED',
    time: new Date(twoHoursAgoMs).toISOString(),
  });
  await sink.flush();
  await sink.close();
});

afterAll(async () => {
  await influx?.stop();
});

describe('retention and downsampling recipe (deploy/influxdb)', () => {
  it('creates raw (default), hourly and daily policies and twelve continuous queries', async () => {
    const policies = await client.showRetentionPolicies(database);
    expect(policies.map((policy) => [policy.name, policy.duration, policy.default])).toEqual(
      expect.arrayContaining([
        ['raw', '720h0m0s', true],
        ['hourly', '9600h0m0s', false],
        ['daily', '43800h0m0s', false],
      ]),
    );
    const queries = await client.queryRaw('SHOW CONTINUOUS QUERIES');
    const ours = (queries.results[0].series as { name: string; values: string[][] }[]).find(
      (series) => series.name === database,
    );
    expect(ours?.values).toHaveLength(12);
  });

  it('downsamples stock levels and movements when the hourly queries run (backfilled here)', async () => {
    const recipe = readFileSync(join(root, 'deploy/influxdb/retention.influxql'), 'utf8');
    for (const name of ['cq_stock_level_1h', 'cq_movement_1h']) {
      const body = new RegExp(`"${name}" ON "stockwire" BEGIN (.*) GROUP BY time\\(1h\\), \\* END`).exec(recipe)?.[1];
      if (!body) throw new Error(`${name} not found`);
      // what the CQ does each hour, run once over the last 3 hours
      await client.query(`${body} WHERE time > now() - 3h GROUP BY time(1h), *`);
    }
    const [level] = await client.query<{ qty: number; qty_min: number; qty_max: number }>(
      'SELECT qty, qty_min, qty_max FROM "hourly"."stock_level"',
    );
    expect(level).toMatchObject({ qty: 8, qty_min: 8, qty_max: 10 });
    const movements = await client.query<{ qty_delta: number; movements: number }>(
      'SELECT sum(qty_delta) AS qty_delta, sum(movements) AS movements FROM "hourly"."movement"',
    );
    expect(movements[0]).toMatchObject({ qty_delta: -3, movements: 3 });
  });
});

describe('Grafana dashboard (deploy/grafana)', () => {
  interface Target {
    query: string;
  }
  const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/stockwire-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets: Target[] }[];
    templating: { list: { name: string; query: string }[] };
  };

  /** Grafana's substitutions for an "All" selection over the last 6 hours. */
  function render(query: string): string {
    return query
      .replaceAll('$timeFilter', 'time > now() - 6h')
      .replaceAll('$__interval', '10m')
      .replaceAll('/^$product$/', '/.*/')
      .replaceAll('/^$location$/', '/.*/')
      .replaceAll('"$rp"', '"raw"');
  }

  it.each(dashboard.panels.map((panel) => [panel.title, panel.targets] as const))(
    'panel "%s" queries return data',
    async (_title, targets) => {
      for (const target of targets) {
        const result = await client.queryRaw(render(target.query));
        expect(result.results[0].error).toBeUndefined();
        expect(result.results[0].series?.length ?? 0).toBeGreaterThan(0);
      }
    },
  );

  it('template variable queries run', async () => {
    for (const variable of dashboard.templating.list.filter((entry) => entry.name !== 'rp')) {
      const result = await client.queryRaw(render(variable.query));
      expect(result.results[0].error).toBeUndefined();
      expect(result.results[0].series?.length ?? 0).toBeGreaterThan(0);
    }
  });
});
