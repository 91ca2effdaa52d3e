import type { GatewayParts } from '../../../gateway/src/daemon.js';
import { defaultParts } from '../../../gateway/src/main.js';
import type { ReaderConfig } from '../../../gateway/src/readers/config.js';
import type { ReaderDriver } from '../../../gateway/src/readers/driver.js';
import { createReaderDriver, type ReaderDriverDeps } from '../../../gateway/src/readers/factory.js';
import { SimulatedReaderDriver } from './simulated-driver.js';

/**
 * The gateway's reader factory plus the simulated reader (protocol: simulated). The gateway ships no
 * simulator code; this is injected through its reader-factory seam (GatewayParts.createReader) by the
 * demo (`npm start`) and `stockwire-sim gateway`.
 */
export function createSimulatedGatewayReader(config: ReaderConfig, deps: ReaderDriverDeps): ReaderDriver {
  return config.protocol === 'simulated' ? new SimulatedReaderDriver(config, deps) : createReaderDriver(config, deps);
}

/** The production gateway parts with simulated readers available. */
export async function simulatedGatewayParts(): Promise<GatewayParts> {
  return { ...(await defaultParts()), createReader: createSimulatedGatewayReader };
}
