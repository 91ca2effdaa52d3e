import { backoffDelayMs } from '../../../shared/src/backoff.js';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { ReaderHealth } from '../../../shared/src/contracts/status.js';
import { errorMessage, makeError, StockwireError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import type { ReconnectConfig } from './config.js';
import type { ReaderDriver } from './driver.js';
import { ReaderErrors } from './errors.js';
import type { FrameDecoder } from './serial/framing.js';

/** Window over which health().readsPerSecond is averaged, in one-second buckets. */
export const READ_RATE_WINDOW_SECONDS = 10;
/** Antenna ports whose read rate is tracked per reader (fixed readers have 1–16; a bad frame cannot grow the map). */
export const ANTENNAS_TRACKED_MAX = 64;
/** Distinct event counter names per reader (names come from code, the bound is a guard). */
export const EVENT_COUNTERS_MAX = 32;

/** Reads per second and mean RSSI over the last READ_RATE_WINDOW_SECONDS, in one-second buckets. */
export class ReadRateWindow {
  private readonly buckets = Array.from({ length: READ_RATE_WINDOW_SECONDS }, () => ({
    second: -1,
    count: 0,
    rssiSumDbm: 0,
  }));

  add(timeMs: number, rssiDbm: number): void {
    const second = Math.floor(timeMs / 1000);
    const bucket =
      this.buckets[((second % READ_RATE_WINDOW_SECONDS) + READ_RATE_WINDOW_SECONDS) % READ_RATE_WINDOW_SECONDS];
    if (!bucket) return;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.count = 0;
      bucket.rssiSumDbm = 0;
    }
    bucket.count++;
    bucket.rssiSumDbm += rssiDbm;
  }

  summary(nowMs: number): { readsPerSecond: number; rssiDbmMean: number | null } {
    const nowSecond = Math.floor(nowMs / 1000);
    let count = 0;
    let rssiSumDbm = 0;
    for (const bucket of this.buckets) {
      if (bucket.second > nowSecond - READ_RATE_WINDOW_SECONDS && bucket.second <= nowSecond) {
        count += bucket.count;
        rssiSumDbm += bucket.rssiSumDbm;
      }
    }
    return {
      readsPerSecond: count / READ_RATE_WINDOW_SECONDS,
      rssiDbmMean: count > 0 ? Math.round((rssiSumDbm / count) * 10) / 10 : null,
    };
  }
}

export interface DriverDeps {
  clock: Clock;
  logger: Logger;
  /** Source of jitter; defaults to Math.random (tests inject a seeded one). */
  random?: () => number;
}

/**
 * What every protocol shares: the connect/start/stop/close state machine,
 * reconnect with backoff and jitter after a lost link, health counters, and read
 * normalisation (gateway clock time that never goes backwards, RSSI offset).
 * Subclasses implement only the four protocol steps.
 */
export abstract class BaseReaderDriver implements ReaderDriver {
  private sink: ((read: RawRead) => void) | null = null;
  private connected = false;
  private connecting: Promise<void> | null = null;
  private wantConnected = false;
  private wantStarted = false;
  private inventoryRunning = false;
  private closed = false;
  private reconnectTimer: TimerHandle | null = null;
  private reconnectAttempt = 0;
  private lostOnce = false;
  private lastTimeMs = 0;
  private lastReadTime: number | null = null;
  private framesOk = 0;
  private framesBad = 0;
  private reconnects = 0;
  private lastError: string | null = null;
  /** Reads per second bucket, ring of READ_RATE_WINDOW_SECONDS entries keyed by epoch second. */
  private readonly readRate = new ReadRateWindow();
  /** Per-antenna read rate and mean RSSI for the status (analytics); bounded by ANTENNAS_TRACKED_MAX. */
  private readonly antennaRates = new Map<number, ReadRateWindow>();
  /** Reader-reported conditions (buffer overflows, refused connections, GPI events…), health().counters. */
  private readonly eventCounts = new Map<string, number>();
  private healthyTimer: TimerHandle | null = null;
  protected readonly log: Logger;

  protected constructor(
    readonly readerId: string,
    readonly protocol: string,
    private readonly reconnectPolicy: ReconnectConfig,
    private readonly rssiOffsetDbm: number,
    protected readonly deps: DriverDeps,
  ) {
    this.log = deps.logger.child({ reader: readerId, protocol });
  }

  /** Opens the link; must call `linkLost` later if the link dies. */
  protected abstract openLink(): Promise<void>;
  /** Releases the link; must not throw for an already dead link. */
  protected abstract closeLink(): Promise<void>;
  protected abstract startInventory(): Promise<void>;
  protected abstract stopInventory(): Promise<void>;

  onRead(sink: (read: RawRead) => void): void {
    this.sink = sink;
  }

  async connect(): Promise<void> {
    if (this.closed) throw makeError(ReaderErrors.CLOSED, { readerId: this.readerId });
    this.wantConnected = true;
    if (this.connected) return;
    try {
      await this.attemptConnect();
    } catch (error) {
      // The driver keeps trying in the background: a reader unplugged at boot comes up when plugged in.
      this.scheduleReconnect();
      throw error instanceof StockwireError
        ? error
        : makeError(
            ReaderErrors.CONNECT_FAILED,
            { readerId: this.readerId, protocol: this.protocol, reason: errorMessage(error) },
            error,
          );
    }
  }

  async start(): Promise<void> {
    if (this.closed) throw makeError(ReaderErrors.CLOSED, { readerId: this.readerId });
    this.wantStarted = true;
    if (this.connected && !this.inventoryRunning) {
      await this.startInventory();
      this.inventoryRunning = true;
    }
  }

  async stop(): Promise<void> {
    this.wantStarted = false;
    if (this.connected && this.inventoryRunning) {
      this.inventoryRunning = false;
      await this.stopInventory().catch((error: unknown) => this.noteError(error));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    this.wantConnected = false;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = null;
    this.healthyTimer?.cancel();
    this.healthyTimer = null;
    await this.connecting?.catch(() => undefined);
    this.connected = false;
    await this.closeLink().catch((error: unknown) => this.noteError(error));
  }

  health(): ReaderHealth {
    return {
      readerId: this.readerId,
      protocol: this.protocol,
      connected: this.connected,
      lastReadTime: this.lastReadTime,
      framesOk: this.framesOk,
      framesBad: this.framesBad,
      reconnects: this.reconnects,
      lastError: this.lastError,
      readsPerSecond: this.readRate.summary(this.deps.clock.nowMs()).readsPerSecond,
      antennas: [...this.antennaRates]
        .sort(([a], [b]) => a - b)
        .map(([antenna, window]) => ({ antenna, ...window.summary(this.deps.clock.nowMs()) })),
      ...(this.eventCounts.size > 0
        ? { counters: Object.fromEntries([...this.eventCounts].sort(([a], [b]) => (a < b ? -1 : 1))) }
        : {}),
    };
  }

  /** Counts a reader-reported condition for health().counters (one map for every driver). */
  protected countEvent(name: string, count = 1): void {
    if (!this.eventCounts.has(name) && this.eventCounts.size >= EVENT_COUNTERS_MAX) return;
    this.eventCounts.set(name, (this.eventCounts.get(name) ?? 0) + count);
  }

  /**
   * How long a link must stay up before the reconnect backoff starts again from its first delay.
   * 0 (the default) resets at once; a driver whose reader can accept and then drop every session
   * overrides it, so such a loop keeps backing off instead of hammering the reader.
   */
  protected backoffResetAfterMs(): number {
    return 0;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Hands one tag read to the sink, stamped with gateway time that never goes backwards. */
  protected emitRead(epcHex: string, antenna: number, rssiDbm: number): void {
    const nowMs = this.deps.clock.nowMs();
    // Reader clocks drift (one was stuck in 2000), and the gateway clock can step back under NTP.
    this.lastTimeMs = Math.max(this.lastTimeMs, Math.trunc(nowMs));
    this.lastReadTime = this.lastTimeMs;
    const rssi = Math.min(20, Math.max(-150, rssiDbm + this.rssiOffsetDbm));
    this.readRate.add(this.lastTimeMs, rssi);
    let antennaRate = this.antennaRates.get(antenna);
    if (!antennaRate && this.antennaRates.size < ANTENNAS_TRACKED_MAX)
      this.antennaRates.set(antenna, (antennaRate = new ReadRateWindow()));
    antennaRate?.add(this.lastTimeMs, rssi);
    if (!this.sink) return;
    try {
      this.sink({ epc: epcHex.toUpperCase(), antenna, rssi, time: this.lastTimeMs, reader: this.readerId });
    } catch (error) {
      // A throwing consumer must not kill the I/O callback that called us.
      this.log.error({ err: error }, 'read sink threw');
    }
  }

  protected countFrameOk(count = 1): void {
    this.framesOk += count;
  }

  protected countFrameBad(reason: string, count = 1): void {
    this.framesBad += count;
    this.lastError = reason;
  }

  /**
   * Feeds serial bytes to a frame decoder and returns its whole frames; bytes it had to skip
   * (`skippedWhy`: which framing checks failed) count as bad frames, so health shows line noise.
   */
  protected framesFrom(decoder: FrameDecoder, chunk: Buffer, skippedWhy: string): Buffer[] {
    const badBefore = decoder.stats.framesBad;
    const frames = decoder.push(chunk);
    const badNow = decoder.stats.framesBad - badBefore;
    if (badNow > 0)
      this.countFrameBad(
        makeError(ReaderErrors.BAD_FRAME, { readerId: this.readerId, reason: skippedWhy }).message,
        badNow,
      );
    return frames;
  }

  protected noteError(error: unknown): void {
    this.lastError = errorMessage(error);
  }

  /** Called by subclasses (from I/O callbacks) when the link died; never throws. */
  protected linkLost(error: unknown): void {
    if (!this.connected || this.closed) return;
    this.connected = false;
    this.inventoryRunning = false;
    this.lostOnce = true;
    this.healthyTimer?.cancel();
    this.healthyTimer = null;
    this.noteError(error);
    this.log.warn({ err: errorMessage(error) }, 'reader link lost; reconnecting');
    void this.closeLink().catch(() => undefined);
    this.scheduleReconnect();
  }

  private async attemptConnect(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      try {
        await this.openLink();
        if (this.closed) {
          await this.closeLink().catch(() => undefined);
          return;
        }
        this.connected = true;
        this.resetBackoffWhenHealthy();
        if (this.lostOnce) this.reconnects++;
        this.log.info('reader connected');
        if (this.wantStarted && !this.inventoryRunning) {
          await this.startInventory();
          this.inventoryRunning = true;
        }
      } catch (error) {
        this.noteError(error);
        this.connected = false;
        await this.closeLink().catch(() => undefined);
        throw error;
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private resetBackoffWhenHealthy(): void {
    this.healthyTimer?.cancel();
    this.healthyTimer = null;
    const healthyMs = this.backoffResetAfterMs();
    if (healthyMs <= 0) {
      this.reconnectAttempt = 0;
      return;
    }
    this.healthyTimer = this.deps.clock.setTimeout(() => {
      this.healthyTimer = null;
      if (this.connected) this.reconnectAttempt = 0;
    }, healthyMs);
  }

  private scheduleReconnect(): void {
    if (this.closed || !this.wantConnected || this.reconnectTimer) return;
    this.lostOnce = true;
    const delayMs = backoffDelayMs(this.reconnectPolicy, this.reconnectAttempt++, (this.deps.random ?? Math.random)());
    this.reconnectTimer = this.deps.clock.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed || this.connected) return;
      this.attemptConnect().catch((error: unknown) => {
        this.log.debug({ err: errorMessage(error), delayMs }, 'reconnect attempt failed');
        this.scheduleReconnect();
      });
    }, delayMs);
  }
}
