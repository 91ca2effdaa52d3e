import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import type { TimeseriesConfig } from './config.js';
import type { TimeseriesPoint } from './points.js';
import { redactUrl, type PointWriter } from './writer.js';

/** Builds the library's Point (its toLineProtocol does the escaping). */
export function toInflux2Point(point: TimeseriesPoint): Point {
  const built = new Point(point.measurement).timestamp(point.timeMs);
  for (const [name, value] of Object.entries(point.tags)) built.tag(name, value);
  for (const [name, value] of Object.entries(point.fields)) {
    if (typeof value === 'number') built.floatField(name, value);
    else if (typeof value === 'boolean') built.booleanField(name, value);
    else built.stringField(name, value);
  }
  return built;
}

/**
 * InfluxDB 2.x (or 1.8+) through `@influxdata/influxdb-client`. Its WriteApi has its own
 * buffer that silently drops the oldest lines when full and its own retry timer; both are
 * switched off here (no retries, no interval, `writeFailed` rejects the flush) so that the
 * sink's bounded buffer, backoff and loss counters are the only ones.
 */
export class Influx2Writer implements PointWriter {
  readonly target: string;
  private readonly writeApi: WriteApi;

  constructor(config: TimeseriesConfig) {
    this.target = `${redactUrl(config.url)}/bucket/${config.bucket}`;
    const client = new InfluxDB({
      url: config.url,
      timeout: config.requestTimeoutMs,
      ...(config.token ? { token: config.token } : {}),
    });
    this.writeApi = client.getWriteApi(config.org, config.bucket, 'ms', {
      batchSize: config.batchLinesMax + 1, // never auto-flush: the sink decides when
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: config.batchLinesMax,
      writeFailed: (error: Error) => Promise.reject(error),
    });
  }

  async prepare(): Promise<void> {
    // buckets are provisioned by the operator in 2.x (tokens rarely carry bucket-create rights)
  }

  async write(points: readonly TimeseriesPoint[]): Promise<void> {
    this.writeApi.writePoints(points.map(toInflux2Point));
    await this.writeApi.flush();
  }

  async close(): Promise<void> {
    // dispose, not close: anything unsent was already accounted for by the sink
    this.writeApi.dispose();
  }
}
