import { z } from 'zod';

/**
 * Where analytics points go. `none` keeps the sink off (the ledger never depends on it);
 * `influx1` writes through the `influx` package (InfluxDB 1.x /write with a database and
 * retention policy); `influx2` writes through `@influxdata/influxdb-client` (/api/v2/write,
 * InfluxDB 2.x or 1.8+ with `org` ignored and `bucket` = `database/retention-policy`).
 */
export const TimeseriesConfigSchema = z
  .object({
    /** Which InfluxDB generation to write to; `none` disables the sink. */
    kind: z.enum(['none', 'influx1', 'influx2']).default('none'),
    /** Base URL of the InfluxDB HTTP API. */
    url: z.string().url().default('http://127.0.0.1:8086'),
    /** influx1: database name (created at start when `createDatabase`). */
    database: z.string().min(1).default('stockwire'),
    /** influx1: retention policy to write into; unset = the database default. */
    retentionPolicy: z.string().min(1).optional(),
    /** influx1: basic-auth user and password. */
    username: z.string().optional(),
    password: z.string().optional(),
    /** influx1: create the database at start if missing (needs admin rights when auth is on). */
    createDatabase: z.boolean().default(true),
    /** influx2: organisation name or id. */
    org: z.string().default('stockwire'),
    /** influx2: bucket name. */
    bucket: z.string().default('stockwire'),
    /** influx2: API token. */
    token: z.string().optional(),
    /** Lines per write request: InfluxDB's own guidance is ~5,000. */
    batchLinesMax: z.number().int().positive().max(100_000).default(5_000),
    /** Flush what is buffered at least this often, even if the batch is not full. */
    flushIntervalMs: z.number().int().positive().default(1_000),
    /** Points held in RAM while InfluxDB is slow or down; past it the oldest are dropped and counted. */
    bufferPointsMax: z.number().int().positive().default(100_000),
    /** First retry delay after a failed write; doubles per failure up to `retryDelayMaxMs`. */
    retryDelayMinMs: z.number().int().positive().default(500),
    retryDelayMaxMs: z.number().int().positive().default(30_000),
    /** Failed attempts of one batch before it is dropped (and counted as lost). */
    retryAttemptsMax: z.number().int().positive().default(20),
    /** HTTP timeout of one write request. */
    requestTimeoutMs: z.number().int().positive().default(10_000),
    /** On shutdown, how long to keep flushing before giving up (what is left is counted as lost). */
    closeTimeoutMs: z.number().int().nonnegative().default(5_000),
  })
  .strict();
export type TimeseriesConfig = z.infer<typeof TimeseriesConfigSchema>;
