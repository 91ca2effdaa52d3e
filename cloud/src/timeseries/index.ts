import type { Clock } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';
import type { TimeseriesConfig } from './config.js';
import { Influx1Writer } from './influx1-writer.js';
import { Influx2Writer } from './influx2-writer.js';
import { TimeseriesSink } from './sink.js';
import type { PointWriter } from './writer.js';

export { TimeseriesConfigSchema, type TimeseriesConfig } from './config.js';
export { TimeseriesErrors } from './errors.js';
export { TimeseriesSink, type TimeseriesStats } from './sink.js';
export type { PointWriter } from './writer.js';
export type { TimeseriesPoint } from './points.js';

export function createPointWriter(config: TimeseriesConfig): PointWriter | null {
  switch (config.kind) {
    case 'none':
      return null;
    case 'influx1':
      return new Influx1Writer(config);
    case 'influx2':
      return new Influx2Writer(config);
  }
}

/**
 * The sink for the configured InfluxDB, or null when `kind: none`. Call `start()`,
 * then `attach(events)`; `close()` on shutdown.
 */
export function createTimeseriesSink(
  config: TimeseriesConfig,
  deps: { clock: Clock; logger: Logger },
): TimeseriesSink | null {
  const writer = createPointWriter(config);
  return writer ? new TimeseriesSink(config, writer, deps) : null;
}
