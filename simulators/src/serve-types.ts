import type { Clock } from '../../shared/src/clock.js';
import type { Logger } from '../../shared/src/log.js';
import type { Scenario } from './scenario/schema.js';

// The shapes serve.ts and push-serve.ts share, in their own module so neither imports the other for them.

/**
 * Options of serveScenario (serve.ts), which exposes every reader of a scenario over its real protocol so the
 * unchanged gateway connects to it: serial readers on a socat pty (the gateway opens `serialDevice`, the
 * simulator the `.sim` twin), OPC UA readers as RfidReaderDeviceType instances on one AutoID server.
 */
export interface ServeOptions {
  scenario: Scenario;
  clock: Clock;
  logger: Logger;
  seed?: number;
  loop: boolean;
  speed: number;
  /** Where pty links go for serial readers without `serialDevice`. */
  ptyDir: string;
  /** OPC UA server port when no reader names one. */
  opcuaPort: number;
  pkiDir: string;
  /** First LLRP port for readers without `llrpPort` (the n-th gets llrpPort + n); 0 = ephemeral. */
  llrpPort?: number;
  /** Broker the simulated Zebra IoT Connectors publish to; default: an embedded one on `readerMqttPort`. */
  readerMqttUrl?: string;
  /** Port of that embedded broker (0 = ephemeral). */
  readerMqttPort?: number;
}

export interface ServedReader {
  readerId: string;
  protocol: string;
  /** What the gateway config needs: device path or endpoint URL. */
  address: string;
  /** A ready-to-paste gateway `readers:` entry. */
  gatewayConfig: Record<string, unknown>;
}
