import type { ReaderHealth } from '../../../../shared/src/contracts/status.js';
import { makeError } from '../../../../shared/src/errors.js';
import { BaseReaderDriver, type DriverDeps } from '../base.js';
import type { ReconnectConfig } from '../config.js';
import type { GpiEvent } from '../driver.js';
import { ReaderErrors } from '../errors.js';
import { parseJsonSafely, type PushEvent } from './events.js';
import { ReplayFilter } from './ordering.js';

/**
 * A Zebra event can fold several reads of a tag into one (`reads`); the debounce counts
 * reads (readCountMin, side votes), so the event is handed on as that many reads, up to
 * this many (more adds no evidence, only load).
 */
export const FOLDED_READS_EXPANDED_MAX = 8;

/** Distinct fault strings kept at once (a flapping vendor cannot grow the status without bound). */
export const FAULTS_MAX = 16;

export interface PushDriverSettings {
  reconnect: ReconnectConfig;
  rssiOffsetDbm: number;
  lateReadAgeMaxMs: number;
  skewRelearnMs: number;
  tagsTrackedMax: number;
}

/**
 * What the readers that push JSON share on top of the base driver: one handler for
 * parsed events (reads through the replay filter, GPI to the beam sink, antenna and
 * overflow conditions into health), and forwarding only while inventory runs.
 */
export abstract class PushReaderDriver extends BaseReaderDriver {
  private gpiSink: ((event: GpiEvent) => void) | null = null;
  private forwarding = false;
  private readonly replayFilter: ReplayFilter;
  private readonly faults = new Map<string, string>();

  protected constructor(readerId: string, protocol: string, settings: PushDriverSettings, deps: DriverDeps) {
    super(readerId, protocol, settings.reconnect, settings.rssiOffsetDbm, deps);
    this.replayFilter = new ReplayFilter(settings.lateReadAgeMaxMs, settings.tagsTrackedMax, settings.skewRelearnMs);
  }

  onGpi(sink: (event: GpiEvent) => void): void {
    this.gpiSink = sink;
  }

  override health(): ReaderHealth {
    const health = super.health();
    if (this.faults.size > 0) health.faults = [...this.faults.values()].sort();
    return health;
  }

  /** Reads are forwarded only between start() and stop(): the reader may keep pushing either way. */
  protected setForwarding(forwarding: boolean): void {
    this.forwarding = forwarding;
  }

  protected count(name: string, by = 1): void {
    this.countEvent(name, by);
  }

  /** One parsed event from any transport; never throws. */
  protected deliver(event: PushEvent): void {
    switch (event.kind) {
      case 'tag':
        return this.deliverTag(event);
      case 'gpi':
        return this.deliverGpi(event);
      case 'antenna':
        this.countFrameOk();
        this.setFault(`antenna-${event.port}`, event.connected ? null : `antenna ${event.port} disconnected`);
        return;
      case 'overflow':
        this.countFrameOk();
        this.count('overflow');
        this.log.warn({ detail: event.detail }, 'reader reported a buffer overflow: reads were lost');
        return;
      case 'ignored':
        this.countFrameOk();
        return;
      case 'bad':
        this.countFrameBad(
          makeError(ReaderErrors.BAD_EVENT, { readerId: this.readerId, reason: event.reason }).message,
        );
    }
  }

  /** One JSON text (a stream line, an MQTT payload, a webhook body) through the vendor parser; never throws. */
  protected deliverJson(text: string, bytesMax: number, parse: (value: unknown) => PushEvent[]): void {
    const json = parseJsonSafely(text, bytesMax);
    if (!json.ok) {
      this.deliver({ kind: 'bad', reason: json.reason });
      return;
    }
    for (const event of parse(json.value)) this.deliver(event);
  }

  protected setFault(key: string, message: string | null): void {
    if (message === null) this.faults.delete(key);
    else if (this.faults.has(key) || this.faults.size < FAULTS_MAX) this.faults.set(key, message);
  }

  private deliverTag(event: Extract<PushEvent, { kind: 'tag' }>): void {
    this.countFrameOk();
    if (!this.forwarding) return;
    const verdict = this.replayFilter.judge(event.epcHex, event.antenna, event.readerTimeMs, this.deps.clock.nowMs());
    if (verdict !== 'fresh') {
      this.count(verdict === 'late' ? 'lateReads' : 'repeatedReads');
      return;
    }
    const copies = Math.min(Math.max(1, event.readCount), FOLDED_READS_EXPANDED_MAX);
    for (let copy = 0; copy < copies; copy++) this.emitRead(event.epcHex, event.antenna, event.rssiDbm);
  }

  private deliverGpi(event: Extract<PushEvent, { kind: 'gpi' }>): void {
    this.countFrameOk();
    // A replayed beam change from minutes ago, stamped now, would pair with the pass at the door now.
    const key = event.state ? 'GPI-HIGH' : 'GPI-LOW';
    const verdict = this.replayFilter.judge(key, event.port, event.readerTimeMs, this.deps.clock.nowMs());
    if (verdict !== 'fresh') {
      this.count(verdict === 'late' ? 'lateGpiEvents' : 'repeatedGpiEvents');
      return;
    }
    this.count('gpiEvents');
    const { port, state } = event;
    const sink = this.gpiSink;
    if (!sink) return;
    try {
      sink({ readerId: this.readerId, port, state, timeMs: Math.trunc(this.deps.clock.nowMs()) });
    } catch (error) {
      this.log.error({ err: error }, 'GPI sink threw');
    }
  }
}
