import { describe, expect, it } from 'vitest';
import type { GatewayStatus } from '../../../shared/src/contracts/status.js';
import type { PositionChange } from '../../src/events.js';
import { PointBuffer, retryDelayMs } from '../../src/timeseries/buffer.js';
import { TimeseriesConfigSchema } from '../../src/timeseries/config.js';
import { toInflux2Point } from '../../src/timeseries/influx2-writer.js';
import { pointsFromGatewayStatus, pointsFromPositions, type TimeseriesPoint } from '../../src/timeseries/points.js';

const change: PositionChange = {
  product: '09506000134352',
  location: 'urn:epc:id:sgln:9506000.13435.shelf 1,a',
  qtyDelta: '-2',
  valueDelta: '-3.50',
  qtyAfter: '8',
  valueAfter: '14.00',
  kind: 'sale',
  transactionId: 'urn:uuid:5b1d2f3e-0000-4000-8000-000000000001',
  time: '2026-11-25T10:00:00.000Z',
};

const status: GatewayStatus = {
  state: 'online',
  gatewayId: 'gw-1',
  siteId: 'store-1',
  time: '2026-11-25T10:00:05.000Z',
  readers: [
    {
      readerId: 'dock-1',
      protocol: 'serial',
      connected: true,
      lastReadTime: Date.parse('2026-11-25T10:00:04.000Z'),
      framesOk: 100,
      framesBad: 1,
      reconnects: 0,
      lastError: null,
      readsPerSecond: 12.5,
      antennas: [{ antenna: 1, readsPerSecond: 10, rssiDbmMean: -55.5 }],
    },
  ],
  outbox: { depth: 3, bytes: 1200, fillRatio: 0.01, dropped: 0 },
};

function point(points: TimeseriesPoint[], measurement: string): TimeseriesPoint {
  const found = points.find((candidate) => candidate.measurement === measurement);
  if (!found) throw new Error(`no ${measurement} point`);
  return found;
}

describe('point building', () => {
  it('writes the level after a change and the movement, EPC-free tags', () => {
    const points = pointsFromPositions([change], 0);
    expect(point(points, 'stock_level')).toEqual({
      measurement: 'stock_level',
      tags: { product: change.product, location: change.location },
      fields: { qty: 8, value: 14 },
      timeMs: Date.parse(change.time),
    });
    const movement = point(points, 'movement');
    expect(movement.tags).toEqual({ product: change.product, location: change.location, kind: 'sale' });
    expect(movement.fields).toMatchObject({ qty_delta: -2, value_delta: -3.5, transaction_id: change.transactionId });
    for (const built of points)
      for (const value of Object.values(built.tags)) expect(value).not.toMatch(/urn:epc:id:(sgtin|sscc)/);
  });

  it('falls back to the receive time when the event time is unreadable', () => {
    expect(pointsFromPositions([{ ...change, time: 'yesterday' }], 1234)[0]?.timeMs).toBe(1234);
  });

  it('turns a gateway status into gateway, reader and antenna health', () => {
    const points = pointsFromGatewayStatus(status, 0);
    expect(point(points, 'gateway_health').fields).toEqual({
      online: true,
      readers_connected: 1,
      readers_total: 1,
      outbox_depth: 3,
      outbox_bytes: 1200,
      outbox_fill_ratio: 0.01,
      outbox_dropped: 0,
    });
    expect(point(points, 'reader_health')).toMatchObject({
      tags: { site: 'store-1', gateway: 'gw-1', reader: 'dock-1', protocol: 'serial' },
      fields: { connected: true, reads_per_second: 12.5, last_read_age_ms: 1000 },
    });
    expect(point(points, 'antenna_reads')).toMatchObject({
      tags: { antenna: '1' },
      fields: { reads_per_second: 10, rssi_dbm_mean: -55.5 },
    });
  });

  it('leaves escaping to the 2.x client library', () => {
    const line = toInflux2Point(pointsFromPositions([change], 0)[0] as TimeseriesPoint).toLineProtocol();
    expect(line).toBe(
      `stock_level,location=urn:epc:id:sgln:9506000.13435.shelf\\ 1\\,a,product=09506000134352 qty=8,value=14 ${Date.parse(change.time)}`,
    );
  });
});

describe('bounded buffer', () => {
  const sample = (index: number): TimeseriesPoint => ({ measurement: 'm', tags: {}, fields: { index }, timeMs: index });

  it('drops the oldest past pointsMax and counts them', () => {
    const buffer = new PointBuffer(3);
    expect(buffer.push([1, 2, 3, 4, 5].map(sample))).toBe(2);
    expect(buffer.take(10).map((entry) => entry.fields['index'])).toEqual([3, 4, 5]);
    expect(buffer.dropped).toBe(2);
  });

  it('keeps order when a failed batch goes back to the front', () => {
    const buffer = new PointBuffer(4);
    buffer.push([1, 2, 3].map(sample));
    const batch = buffer.take(2);
    buffer.push([4, 5].map(sample));
    expect(buffer.unshift(batch)).toBe(1);
    expect(buffer.take(10).map((entry) => entry.fields['index'])).toEqual([2, 3, 4, 5]);
  });

  it.each([
    [0, 0],
    [1, 500],
    [2, 1000],
    [4, 4000],
    [10, 30_000],
    [1000, 30_000],
  ])('backs off after %i failures by %i ms', (failures, expected) => {
    expect(retryDelayMs(failures, 500, 30_000)).toBe(expected);
  });
});

describe('config', () => {
  it('defaults to off with ~5,000-line batches', () => {
    expect(TimeseriesConfigSchema.parse({})).toMatchObject({
      kind: 'none',
      batchLinesMax: 5000,
      bufferPointsMax: 100_000,
    });
  });
  it('rejects unknown keys', () => {
    expect(TimeseriesConfigSchema.safeParse({ kind: 'influx1', batchSize: 10 }).success).toBe(false);
  });
});
