import type { Clock } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';
import type { OpenOptions } from '@serialport/stream';
import type { ReaderConfig } from './config.js';
import type { ReaderDriver } from './driver.js';
import { makeError } from '../../../shared/src/errors.js';
import { ReaderErrors } from './errors.js';
import { ChafonReaderDriver } from './chafon.js';
import { LlrpReaderDriver } from './llrp/driver.js';
import { ImpinjIotReaderDriver } from './impinj-iot.js';
import { OpcUaReaderDriver } from './opcua.js';
import { ThingMagicReaderDriver } from './thingmagic.js';
import { ZebraIotReaderDriver } from './zebra-iot.js';

export interface ReaderDriverDeps {
  clock: Clock;
  logger: Logger;
  /** Jitter source for reconnect backoff (default Math.random). */
  random?: () => number;
  /** Serial binding override (tests use @serialport/binding-mock); default: the native binding. */
  serialBinding?: OpenOptions['binding'];
}

/**
 * The one place that dispatches on `protocol`. The simulated reader is not here: the gateway ships no
 * simulator code, so simulators/src/readers/simulated-gateway-reader.ts wraps this factory and is injected
 * through GatewayParts.createReader (the demo, `stockwire-sim gateway`).
 */
export function createReaderDriver(config: ReaderConfig, deps: ReaderDriverDeps): ReaderDriver {
  switch (config.protocol) {
    case 'simulated':
      throw makeError(ReaderErrors.SIMULATED_NOT_BUILT_IN, { readerId: config.id });
    case 'chafon':
      return new ChafonReaderDriver(config, deps);
    case 'thingmagic':
      return new ThingMagicReaderDriver(config, deps);
    case 'opcua':
      return new OpcUaReaderDriver(config, deps);
    case 'llrp':
      return new LlrpReaderDriver(config, deps);
    case 'impinj-iot':
      return new ImpinjIotReaderDriver(config, deps);
    case 'zebra-iot':
      return new ZebraIotReaderDriver(config, deps);
  }
}
