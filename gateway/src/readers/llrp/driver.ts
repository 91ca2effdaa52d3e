import type { TimerHandle } from '../../../../shared/src/clock.js';
import { errorMessage, makeError } from '../../../../shared/src/errors.js';
import { BaseReaderDriver, type DriverDeps } from '../base.js';
import type { LlrpReaderConfig } from '../config.js';
import type { GpiEvent } from '../driver.js';
import { ReaderErrors } from '../errors.js';
import { decodeCapabilitiesResponse, powerIndexFor, type ReaderCapabilities } from './capabilities.js';
import { newDecodeStats, readStatus, type DecodeStats, type LlrpMessage } from './codec.js';
import { LlrpConnection } from './connection.js';
import { ConnectionAttemptStatus, MessageType, STATUS_SUCCESS, VENDOR_IMPINJ, messageNameOf } from './constants.js';
import { decodeReaderEventNotification, type ReaderEvent } from './events.js';
import {
  addRoSpec,
  closeConnection,
  getReaderCapabilities,
  getReport,
  impinjEnableExtensions,
  keepaliveAck,
  rospecCommand,
  setReaderConfig,
} from './messages.js';
import { decodeRoAccessReport, type TagReport } from './reports.js';
import type { RoSpecPlan } from './rospec.js';

/**
 * LLRP client driver (Impinj Speedway/R700/R660, Zebra FX7500/FX9600/ATR7000). Session:
 * wait for the reader's ConnectionAttemptEvent (refused when another client holds it: coded
 * error, backoff retry), GET_READER_CAPABILITIES, SET_READER_CONFIG, Impinj extensions when
 * asked, DELETE_ROSPEC all, ADD_ROSPEC from config; start = ENABLE (+ START unless a GPI starts
 * it), stop = DISABLE. Any message proves the link alive; keepaliveMissedMax silent periods mean
 * it is dead. Read time is the gateway's receive time (reader clocks are often unset).
 */
export const LLRP_ROSPEC_ID = 0x5357; // "SW": recognisable in a capture, never 0 (0 means "all")
const SEARCH_MODES = { 'single-target': 1, 'dual-target': 2, 'single-target-suppression': 3 } as const;
const CLOSE_WAIT_MS = 1_000;
/** Decode-stat counters surfaced in health().counters (a vendor's custom parameters show up here). */
const STAT_EVENT_NAMES: Array<[keyof DecodeStats, string]> = [
  ['unknownParams', 'unknownParams'],
  ['unknownCustom', 'unknownCustom'],
  ['malformed', 'malformedParams'],
];

export class LlrpReaderDriver extends BaseReaderDriver {
  private connection: LlrpConnection | null = null;
  private attemptWaiter: { resolve(event: { status: number }): void; reject(error: Error): void } | null = null;
  private watchdog: TimerHandle | null = null;
  private reportTimer: TimerHandle | null = null;
  private lastMessageMs = 0;
  private gpiSink: ((event: GpiEvent) => void) | null = null;
  private impinj = false;
  private capabilities: ReaderCapabilities | null = null;
  private readonly stats = newDecodeStats();
  private readonly statsReported = newDecodeStats();

  constructor(
    private readonly config: LlrpReaderConfig,
    deps: DriverDeps,
  ) {
    super(config.id, 'llrp', config.reconnect, config.rssiOffsetDbm, deps);
  }

  onGpi(sink: (event: GpiEvent) => void): void {
    this.gpiSink = sink;
  }

  /** What the reader said about itself at the last connect (status page, tests). */
  get readerCapabilities(): ReaderCapabilities | null {
    return this.capabilities;
  }

  protected override backoffResetAfterMs(): number {
    return this.config.healthyAfterMs;
  }

  protected async openLink(): Promise<void> {
    const attempt = new Promise<{ status: number }>((resolve, reject) => (this.attemptWaiter = { resolve, reject }));
    attempt.catch(() => undefined); // observed below; a close before then must not be an unhandled rejection
    let opened: LlrpConnection | null = null;
    const connection = await LlrpConnection.open({
      host: this.config.host,
      port: this.config.port,
      readerId: this.readerId,
      clock: this.deps.clock,
      connectTimeoutMs: this.config.responseTimeoutMs,
      messageBytesMax: this.config.messageBytesMax,
      onMessage: (message) => this.onMessage(message),
      onBadBytes: (runs) =>
        this.countFrameBad(
          makeError(ReaderErrors.BAD_FRAME, { readerId: this.readerId, reason: 'bytes that form no LLRP message' })
            .message,
          runs,
        ),
      onClosed: (error) => {
        // Closed before the ConnectionAttemptEvent (a rebooting reader accepts and drops): fail fast.
        this.attemptWaiter?.reject(error);
        this.attemptWaiter = null;
        if (opened && this.connection === opened) this.linkLost(error);
      },
    });
    opened = connection;
    this.connection = connection;
    this.lastMessageMs = this.deps.clock.nowMs();
    await this.awaitConnectionAttempt(attempt);
    await this.configure(connection);
    this.startWatchdog();
  }

  protected async closeLink(): Promise<void> {
    this.stopTimers();
    const connection = this.connection;
    this.connection = null;
    this.attemptWaiter = null;
    if (!connection?.isOpen) return;
    // Polite goodbye so the reader frees the session at once instead of at its own timeout.
    await connection
      .request((id) => closeConnection(id), MessageType.CLOSE_CONNECTION_RESPONSE, CLOSE_WAIT_MS)
      .catch(() => undefined);
    connection.destroy();
  }

  protected async startInventory(): Promise<void> {
    const connection = this.requireConnection();
    await this.command(connection, MessageType.ENABLE_ROSPEC, MessageType.ENABLE_ROSPEC_RESPONSE);
    // With a GPI start trigger the photo-eye starts it; otherwise it runs until stopped.
    if (!this.config.gpiTrigger)
      await this.command(connection, MessageType.START_ROSPEC, MessageType.START_ROSPEC_RESPONSE);
    if (this.config.report.intervalMs > 0) {
      this.reportTimer?.cancel();
      this.reportTimer = this.deps.clock.setInterval(
        () => this.connection?.send(getReport(this.connection.newMessageId())),
        this.config.report.intervalMs,
      );
    }
  }

  protected async stopInventory(): Promise<void> {
    this.reportTimer?.cancel();
    this.reportTimer = null;
    const connection = this.connection;
    if (connection?.isOpen)
      await this.command(connection, MessageType.DISABLE_ROSPEC, MessageType.DISABLE_ROSPEC_RESPONSE);
  }

  private async awaitConnectionAttempt(attempt: Promise<{ status: number }>): Promise<void> {
    let timer: TimerHandle | null = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.deps.clock.setTimeout(
        () =>
          reject(
            makeError(ReaderErrors.TIMEOUT, {
              readerId: this.readerId,
              command: 'ConnectionAttemptEvent (the reader speaks first after TCP connect)',
              timeoutMs: this.config.responseTimeoutMs,
            }),
          ),
        this.config.responseTimeoutMs,
      );
    });
    const { status } = await Promise.race([attempt, timeout]).finally(() => (timer as TimerHandle | null)?.cancel());
    if (status === ConnectionAttemptStatus.Success) return;
    this.countEvent('connectionRefused');
    throw makeError(ReaderErrors.LLRP_CONNECTION_REFUSED, {
      readerId: this.readerId,
      address: `${this.config.host}:${this.config.port}`,
      status,
      reason: CONNECTION_REFUSAL_REASONS[status] ?? 'unknown reason',
    });
  }

  /** Capabilities → reader config → Impinj extensions → a clean ROSpec table with ours in it. */
  private async configure(connection: LlrpConnection): Promise<void> {
    const timeoutMs = this.config.responseTimeoutMs;
    const response = await connection.request(
      (id) => getReaderCapabilities(id),
      MessageType.GET_READER_CAPABILITIES_RESPONSE,
      timeoutMs,
    );
    const decoded = decodeCapabilitiesResponse(response.body, this.stats);
    this.checkStatus(decoded.status, 'GET_READER_CAPABILITIES');
    this.capabilities = decoded.capabilities;
    this.impinj =
      this.config.vendor === 'impinj' ||
      (this.config.vendor === 'auto' && decoded.capabilities.manufacturer === VENDOR_IMPINJ);
    const configResponse = await connection.request(
      (id) =>
        setReaderConfig(id, {
          resetToFactoryDefault: this.config.resetToFactoryDefault,
          keepaliveMs: this.config.keepaliveMs,
        }),
      MessageType.SET_READER_CONFIG_RESPONSE,
      timeoutMs,
    );
    this.checkStatus(readStatus(configResponse.body), 'SET_READER_CONFIG');
    if (this.useImpinjExtensions) {
      const reply = await connection.request((id) => impinjEnableExtensions(id), MessageType.CUSTOM_MESSAGE, timeoutMs);
      this.checkStatus(readStatus(reply.body.subarray(5)), 'IMPINJ_ENABLE_EXTENSIONS');
    }
    await this.command(connection, MessageType.DELETE_ROSPEC, MessageType.DELETE_ROSPEC_RESPONSE, 0);
    const added = await connection.request(
      (id) => addRoSpec(id, this.roSpecPlan(decoded.capabilities)),
      MessageType.ADD_ROSPEC_RESPONSE,
      timeoutMs,
    );
    this.checkStatus(readStatus(added.body), 'ADD_ROSPEC');
  }

  private get useImpinjExtensions(): boolean {
    return this.config.impinjExtensions && this.impinj;
  }

  /** The ROSpec from config and what the reader said it can do. */
  roSpecPlan(capabilities: ReaderCapabilities): RoSpecPlan {
    const antennaCountMax = capabilities.antennaCountMax;
    const antennas = this.config.antennas.filter((antenna) => antennaCountMax === 0 || antenna <= antennaCountMax);
    if (antennas.length < this.config.antennas.length)
      this.log.warn({ antennaCountMax, configured: this.config.antennas }, 'reader has fewer antennas than configured');
    const trigger = this.config.gpiTrigger;
    return {
      rospecId: LLRP_ROSPEC_ID,
      startGpi: trigger ? { port: trigger.startPort, onHigh: trigger.startOnHigh, timeoutMs: 0 } : null,
      stopGpi: trigger
        ? { port: trigger.stopPort ?? trigger.startPort, onHigh: trigger.stopOnHigh, timeoutMs: trigger.timeoutMs }
        : null,
      antennaIds: antennas.length > 0 ? antennas : [0],
      transmitPowerIndex:
        this.config.powerDbm === undefined ? null : powerIndexFor(capabilities.powerTable, this.config.powerDbm),
      session: this.config.session ?? null,
      tagPopulation: this.config.tagPopulation ?? null,
      impinjSearchMode:
        this.useImpinjExtensions && this.config.searchMode ? SEARCH_MODES[this.config.searchMode] : null,
      reportEveryTags: this.config.report.everyTags,
      impinjPeakRssi: this.useImpinjExtensions,
    };
  }

  private async command(connection: LlrpConnection, type: number, responseType: number, rospecId = LLRP_ROSPEC_ID) {
    const response = await connection.request(
      (id) => rospecCommand(type as typeof MessageType.ENABLE_ROSPEC, id, rospecId),
      responseType,
      this.config.responseTimeoutMs,
    );
    this.checkStatus(readStatus(response.body), messageNameOf(type));
  }

  private checkStatus(status: { code: number; description: string } | null, message: string): void {
    if (status?.code === STATUS_SUCCESS) return;
    throw makeError(ReaderErrors.LLRP_STATUS, {
      readerId: this.readerId,
      message,
      statusCode: status?.code ?? -1,
      description: status?.description || 'response without an LLRPStatus',
    });
  }

  private onMessage(message: LlrpMessage): void {
    this.lastMessageMs = this.deps.clock.nowMs();
    try {
      if (message.type === MessageType.RO_ACCESS_REPORT) this.onReport(message.body);
      else if (message.type === MessageType.KEEPALIVE) this.connection?.send(keepaliveAck(message.messageId));
      else if (message.type === MessageType.READER_EVENT_NOTIFICATION) this.onEvents(message.body);
      else this.countEvent('unhandledMessages');
    } catch (error) {
      // Decoders do not throw on bad input; this guards the socket callback against a bug.
      this.countFrameBad(errorMessage(error));
    }
    this.publishDecodeStats();
  }

  private onReport(body: Buffer): void {
    this.countFrameOk();
    decodeRoAccessReport(body, { impinjExtensions: this.useImpinjExtensions }, this.stats, (report) =>
      this.emitTag(report),
    );
  }

  private emitTag(report: TagReport): void {
    // The raw-read contract takes 2–62 byte EPCs; anything else is not an item tag.
    if (report.epcHex.length < 4 || report.epcHex.length > 124) {
      this.countEvent('epcLengthRejected');
      return;
    }
    const rssiDbm =
      report.impinjPeakRssiCdbm !== undefined
        ? report.impinjPeakRssiCdbm / 100
        : (report.peakRssiDbm ?? this.config.rssiDefaultDbm);
    this.emitRead(report.epcHex, Math.min(255, report.antennaId ?? 0), rssiDbm);
  }

  private onEvents(body: Buffer): void {
    const notification = decodeReaderEventNotification(body, this.stats);
    for (const event of notification.events) this.onEvent(event);
  }

  private onEvent(event: ReaderEvent): void {
    switch (event.kind) {
      case 'connectionAttempt':
        this.attemptWaiter?.resolve({ status: event.status });
        this.attemptWaiter = null;
        return;
      case 'gpi':
        this.countEvent('gpiEvents');
        this.emitGpi(event.port, event.state);
        return;
      case 'bufferWarning':
        this.countEvent('bufferWarnings');
        this.log.warn({ percentFull: event.percentFull }, 'reader report buffer filling up');
        return;
      case 'bufferOverflow':
        this.countEvent('bufferOverflows');
        this.noteError(new Error('reader report buffer overflowed: tag reports were lost'));
        this.log.error('reader report buffer overflowed: tag reports were lost');
        return;
      case 'antenna':
        if (!event.connected) this.countEvent('antennaDisconnected');
        return;
      case 'readerException':
        this.countEvent('readerExceptions');
        this.noteError(new Error(`reader exception: ${event.message}`));
        return;
      case 'connectionClose':
        this.countEvent('readerClosedConnection');
        return;
      case 'rospec':
        return;
    }
  }

  private emitGpi(port: number, state: boolean): void {
    if (!this.gpiSink) return;
    try {
      this.gpiSink({ readerId: this.readerId, port, state, timeMs: Math.trunc(this.deps.clock.nowMs()) });
    } catch (error) {
      this.log.error({ err: error }, 'GPI sink threw');
    }
  }

  private publishDecodeStats(): void {
    for (const [key, name] of STAT_EVENT_NAMES) {
      const delta = this.stats[key] - this.statsReported[key];
      if (delta > 0) {
        this.countEvent(name, delta);
        this.statsReported[key] = this.stats[key];
      }
    }
  }

  private startWatchdog(): void {
    const windowMs = this.config.keepaliveMs * this.config.keepaliveMissedMax;
    this.watchdog?.cancel();
    this.watchdog = this.deps.clock.setInterval(() => {
      const silenceMs = this.deps.clock.nowMs() - this.lastMessageMs;
      if (silenceMs <= windowMs) return;
      this.countEvent('keepaliveTimeouts');
      const connection = this.connection;
      this.linkLost(
        makeError(ReaderErrors.LLRP_KEEPALIVE_LOST, {
          readerId: this.readerId,
          silenceMs: Math.round(silenceMs),
          keepaliveMs: this.config.keepaliveMs,
        }),
      );
      connection?.destroy();
    }, this.config.keepaliveMs);
  }

  private stopTimers(): void {
    this.watchdog?.cancel();
    this.watchdog = null;
    this.reportTimer?.cancel();
    this.reportTimer = null;
  }

  private requireConnection(): LlrpConnection {
    if (!this.connection?.isOpen) throw new Error('LLRP connection is not open');
    return this.connection;
  }
}

const CONNECTION_REFUSAL_REASONS: Record<number, string> = {
  [ConnectionAttemptStatus.FailedReaderInitiatedConnectionExists]: 'a reader-initiated connection already exists',
  [ConnectionAttemptStatus.FailedClientInitiatedConnectionExists]: 'a client-initiated connection already exists',
  [ConnectionAttemptStatus.FailedReasonOther]: 'the reader refused for another reason',
  [ConnectionAttemptStatus.AnotherConnectionAttempted]: 'another connection was attempted',
};
