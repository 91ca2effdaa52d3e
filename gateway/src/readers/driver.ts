import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { ReaderHealth } from '../../../shared/src/contracts/status.js';

/**
 * The seam between a reader protocol and the rest of the gateway. One
 * implementation per protocol (`readers/<protocol>.ts`), all passing the shared
 * contract suite. Drivers normalise RSSI to dBm and time to the gateway clock
 * before calling `onRead`, reconnect by themselves with exponential backoff and
 * jitter, and never throw out of their I/O callbacks: a bad frame is counted.
 */
/**
 * A change on one of a reader's general-purpose inputs: a photo-eye or motion sensor wired
 * to the reader's GPI starts and stops portal read cycles, and two beams broken in order tell
 * the direction. `state` is the input level, true = high (the portal's `brokenWhen` says which level
 * means a broken beam: sensors are wired either way).
 */
export interface GpiEvent {
  readerId: string;
  port: number;
  state: boolean;
  /** Gateway clock, epoch ms (reader clocks drift; same rule as reads). */
  timeMs: number;
}

export interface ReaderDriver {
  readonly readerId: string;
  readonly protocol: string;
  /** Opens the connection (serial port, OPC UA session…); resolves once usable or rejects with a coded error. */
  connect(): Promise<void>;
  /** Starts inventory (polling loop or continuous stream). Reads arrive through `onRead`. */
  start(): Promise<void>;
  /** Stops inventory; safe to call when not started. */
  stop(): Promise<void>;
  /** Stops and releases everything; the driver is unusable afterwards. */
  close(): Promise<void>;
  /** Registers the sink for normalised reads; one sink per driver. */
  onRead(sink: (read: RawRead) => void): void;
  health(): ReaderHealth;
  /** Optional: registers the sink for GPI changes, for drivers whose reader reports them. */
  onGpi?(sink: (event: GpiEvent) => void): void;
}
