import { InfluxDB, type IPoint, type ISingleHostConfig } from 'influx';

type IBackoffStrategy = NonNullable<NonNullable<ISingleHostConfig['pool']>['backoff']>;
import type { TimeseriesConfig } from './config.js';
import type { TimeseriesPoint } from './points.js';
import { redactUrl, type PointWriter } from './writer.js';

/**
 * The `influx` pool would otherwise take a failing host out of rotation with its own
 * backoff and reply "no host available"; our sink owns retry timing, so the pool does none.
 */
const noBackoff: IBackoffStrategy = {
  getDelay: () => 0,
  next: () => noBackoff,
  reset: () => noBackoff,
};

export function toInflux1Point(point: TimeseriesPoint): IPoint {
  return { measurement: point.measurement, tags: point.tags, fields: point.fields, timestamp: point.timeMs };
}

/** InfluxDB 1.x through the `influx` package (its line-protocol encoder escapes names and values). */
export class Influx1Writer implements PointWriter {
  readonly target: string;
  readonly client: InfluxDB;

  constructor(private readonly config: TimeseriesConfig) {
    const url = new URL(config.url);
    this.target = `${redactUrl(config.url)}/db/${config.database}`;
    const hostConfig: ISingleHostConfig = {
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 8086,
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      path: url.pathname === '/' ? '' : url.pathname,
      database: config.database,
      username: config.username ?? (decodeURIComponent(url.username) || undefined),
      password: config.password ?? (decodeURIComponent(url.password) || undefined),
      pool: { maxRetries: 0, requestTimeout: config.requestTimeoutMs, backoff: noBackoff },
    };
    this.client = new InfluxDB(hostConfig);
  }

  async prepare(): Promise<void> {
    if (!this.config.createDatabase) return;
    // CREATE DATABASE is idempotent in 1.x, so no list-then-create race.
    await this.client.createDatabase(this.config.database);
  }

  async write(points: readonly TimeseriesPoint[]): Promise<void> {
    await this.client.writePoints(points.map(toInflux1Point), {
      precision: 'ms',
      database: this.config.database,
      ...(this.config.retentionPolicy ? { retentionPolicy: this.config.retentionPolicy } : {}),
    });
  }

  async close(): Promise<void> {
    // the `influx` client keeps no sockets open between requests
  }
}
