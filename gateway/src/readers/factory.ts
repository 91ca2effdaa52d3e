import type { Clock } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';
import type { OpenOptions } from '@serialport/stream';
import type { ReaderConfig } from './config.js';
import type { ReaderDriver } from './driver.js';
import { ChafonReaderDriver } from './chafon.js';
import { LlrpReaderDriver } from './llrp/driver.js';
import { OpcUaReaderDriver } from './opcua.js';
import { SimulatedReaderDriver } from './simulated.js';
import { ThingMagicReaderDriver } from './thingmagic.js';

export interface ReaderDriverDeps {
  clock: Clock;
  logger: Logger;
  /** Jitter source for reconnect backoff (default Math.random). */
  random?: () => number;
  /** Serial binding override (tests use @serialport/binding-mock); default: the native binding. */
  serialBinding?: OpenOptions['binding'];
}

/** The one place that dispatches on `protocol`. */
export function createReaderDriver(config: ReaderConfig, deps: ReaderDriverDeps): ReaderDriver {
  switch (config.protocol) {
    case 'simulated':
      return new SimulatedReaderDriver(config, deps);
    case 'chafon':
      return new ChafonReaderDriver(config, deps);
    case 'thingmagic':
      return new ThingMagicReaderDriver(config, deps);
    case 'opcua':
      return new OpcUaReaderDriver(config, deps);
    case 'llrp':
      return new LlrpReaderDriver(config, deps);
  }
}
