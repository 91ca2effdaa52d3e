import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { ReaderHealth } from '../../../shared/src/contracts/status.js';
import type { DebounceEngineLike } from '../../src/daemon.js';
import type { DebounceConfig } from '../../src/debounce/config.js';
import type { ReaderDriver } from '../../src/readers/driver.js';
import type { ReaderConfig } from '../../src/readers/config.js';
import { sampleEvent } from '../outbox/fixtures.js';

/**
 * Test doubles for the parts other modules own (debounce engine, reader
 * drivers): the daemon tests are about the shell around them. Real engine and
 * drivers are exercised by their own suites and by the CLI smoke test.
 */
export class FakeReader implements ReaderDriver {
  readonly protocol = 'fake';
  private sink: ((read: RawRead) => void) | undefined;
  connected = false;
  running = false;
  closed = false;
  lastReadTime: number | null = null;
  starts = 0;

  constructor(
    readonly readerId: string,
    readonly config: ReaderConfig,
  ) {}

  /** Set to make connect() fail once (a reader unplugged at boot). */
  failNextConnect = false;

  async connect(): Promise<void> {
    if (this.failNextConnect || this.config.id.startsWith('unplugged')) {
      this.failNextConnect = false;
      throw new Error('no such device');
    }
    this.connected = true;
  }
  async start(): Promise<void> {
    this.running = true;
    this.starts += 1;
  }
  async stop(): Promise<void> {
    this.running = false;
  }
  async close(): Promise<void> {
    this.running = false;
    this.connected = false;
    this.closed = true;
  }
  onRead(sink: (read: RawRead) => void): void {
    this.sink = sink;
  }
  emit(read: RawRead): void {
    if (!this.running) return;
    this.lastReadTime = read.time;
    this.sink?.(read);
  }
  health(): ReaderHealth {
    return {
      readerId: this.readerId,
      protocol: this.protocol,
      connected: this.connected,
      lastReadTime: this.lastReadTime,
      framesOk: 0,
      framesBad: 0,
      reconnects: 0,
      lastError: null,
    };
  }
}

/** One event per read; `flush` closes the "pass in progress" into one more event. */
export class FakeEngine implements DebounceEngineLike {
  produced = 0;
  openPass = false;
  reconfigured: DebounceConfig[] = [];

  constructor(private readonly gatewayId: string) {}

  ingest(read: RawRead): EpcisEvent[] {
    if (read.epc === 'BAD0') throw new Error('bad read');
    this.openPass = true;
    return [sampleEvent(this.produced++, this.gatewayId)];
  }
  tick(): EpcisEvent[] {
    return [];
  }
  flush(): EpcisEvent[] {
    if (!this.openPass) return [];
    this.openPass = false;
    return [sampleEvent(this.produced++, this.gatewayId)];
  }
  reconfigure(config: DebounceConfig): void {
    this.reconfigured.push(config);
  }
}
