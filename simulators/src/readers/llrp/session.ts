import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../../../shared/src/clock.js';
import { capabilitiesMessage } from './wire.js';
import {
  custom,
  decodeMessage,
  findParam,
  newDecodeStats,
  u32,
  type LlrpMessage,
} from '../../../../gateway/src/readers/llrp/codec.js';
import { Impinj, MessageType, ParamType, VENDOR_IMPINJ } from '../../../../gateway/src/readers/llrp/constants.js';
import type { ReaderEvent } from '../../../../gateway/src/readers/llrp/events.js';
import { LlrpFramer } from '../../../../gateway/src/readers/llrp/framer.js';
import {
  encodeImpinjEnableExtensionsResponse,
  encodeKeepalive,
  encodeReaderEventNotification,
  encodeRoAccessReport,
  encodeStatusResponse,
} from '../../../../gateway/src/readers/llrp/reader-messages.js';
import type { TagReport } from '../../../../gateway/src/readers/llrp/reports.js';
import type { FieldRead } from '../read-source.js';
import type { LlrpVendorProfile } from './profiles.js';
import { RoSpecTable, StatusCode } from './rospecs.js';

/**
 * One client connection to the simulated reader: answers the client's requests, sends
 * keepalives on the period SET_READER_CONFIG asked for, and turns field reads into
 * RO_ACCESS_REPORTs for the active ROSpec (antennas, report every N tags, GPI triggers).
 */
export interface SessionHooks {
  profile: LlrpVendorProfile;
  clock: Clock;
  rospecs: RoSpecTable;
  /** True while a fault silences the reader (half-open link: no keepalives, no reports). */
  isFrozen(): boolean;
  onClosed(session: LlrpSession): void;
}

/** Tag reports the simulated reader buffers before it reports an overflow and drops the oldest. */
export const REPORT_BUFFER_TAGS_MAX = 20_000;

export class LlrpSession {
  private readonly framer = new LlrpFramer();
  private keepaliveTimer: TimerHandle | null = null;
  private nextMessageId = 1;
  private extensionsEnabled = false;
  private pending: TagReport[] = [];
  private channelIndex = 0;
  closed = false;
  keepaliveAcks = 0;
  reportsSent = 0;

  constructor(
    private readonly socket: Socket,
    private readonly hooks: SessionHooks,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** The reader speaks first: ConnectionAttemptEvent Success. */
  greet(): void {
    this.sendEvents([{ kind: 'connectionAttempt', status: 0 }]);
  }

  sendEvents(events: ReaderEvent[]): void {
    this.write(encodeReaderEventNotification(this.messageId(), this.hooks.clock.nowMs() * 1000, events));
  }

  write(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keepaliveTimer?.cancel();
    this.socket.destroy();
    this.hooks.onClosed(this);
  }

  /** Field reads seen by the radio since the last tick, for the active ROSpec. */
  observe(reads: readonly FieldRead[]): void {
    const spec = this.hooks.rospecs.active();
    if (!spec || this.hooks.isFrozen()) return;
    const antennaCountMax = this.hooks.profile.capabilities.antennaCountMax;
    const all = spec.plan.antennaIds.includes(0);
    const impinjRssi = this.extensionsEnabled && spec.plan.impinjPeakRssi;
    const nowMicros = this.hooks.clock.nowMs() * 1000;
    for (const read of reads) {
      if (read.antenna > antennaCountMax || (!all && !spec.plan.antennaIds.includes(read.antenna))) continue;
      this.channelIndex = (this.channelIndex % 50) + 1;
      this.pending.push({
        epcHex: read.epc,
        antennaId: read.antenna,
        peakRssiDbm: Math.round(read.rssiDbm),
        ...(impinjRssi ? { impinjPeakRssiCdbm: Math.round(read.rssiDbm * 100) } : {}),
        firstSeenUtcMicros: nowMicros,
        lastSeenUtcMicros: nowMicros,
        seenCount: 1,
        channelIndex: this.channelIndex,
      });
    }
    if (this.pending.length > REPORT_BUFFER_TAGS_MAX) {
      this.pending.splice(0, this.pending.length - REPORT_BUFFER_TAGS_MAX);
      this.sendEvents([{ kind: 'bufferOverflow' }]);
    }
    const everyTags = spec.plan.reportEveryTags;
    while (everyTags > 0 && this.pending.length >= everyTags) this.report(this.pending.splice(0, everyTags));
  }

  /** Sends every buffered tag report (GET_REPORT, end of ROSpec). */
  flush(): void {
    if (this.pending.length > 0) this.report(this.pending.splice(0));
  }

  /** Drops buffered reports, as a reader does when its buffer overflows. */
  dropPending(): void {
    this.pending = [];
  }

  private report(tags: TagReport[]): void {
    const customParameter = this.hooks.profile.reportCustomParameter;
    const extra = customParameter ? [custom(customParameter.vendor, customParameter.subtype, u32(0xdeadbeef))] : [];
    this.write(encodeRoAccessReport(this.messageId(), tags, extra));
    this.reportsSent++;
  }

  private messageId(): number {
    return this.nextMessageId++;
  }

  private receive(chunk: Buffer): void {
    for (const bytes of this.framer.push(chunk)) {
      if (this.closed) return;
      this.handle(decodeMessage(bytes));
    }
  }

  private handle(message: LlrpMessage): void {
    const id = message.messageId;
    const rospecs = this.hooks.rospecs;
    switch (message.type) {
      case MessageType.GET_READER_CAPABILITIES:
        return this.write(capabilitiesMessage(id, this.hooks.profile.capabilities));
      case MessageType.SET_READER_CONFIG:
        return this.setReaderConfig(message);
      case MessageType.CUSTOM_MESSAGE:
        return this.customMessage(message);
      case MessageType.KEEPALIVE_ACK:
        this.keepaliveAcks++;
        return;
      case MessageType.GET_REPORT:
        return this.flush();
      case MessageType.CLOSE_CONNECTION:
        this.write(encodeStatusResponse(MessageType.CLOSE_CONNECTION_RESPONSE, id));
        this.socket.end();
        return;
      case MessageType.ENABLE_EVENTS_AND_REPORTS:
        return;
      default: {
        const outcome = rospecs.handle(message, () => this.flush());
        if (outcome) return this.write(encodeStatusResponse(outcome.responseType, id, outcome.code, outcome.text));
        this.write(
          encodeStatusResponse(MessageType.ERROR_MESSAGE, id, StatusCode.UnsupportedMessage, 'unsupported message'),
        );
      }
    }
  }

  private setReaderConfig(message: LlrpMessage): void {
    if ((message.body[0] ?? 0) & 0x80) this.hooks.rospecs.clear();
    const keepalive = findParam(message.body, 1, message.body.length, ParamType.KeepaliveSpec, newDecodeStats());
    if (keepalive && keepalive.end - keepalive.valueStart >= 5) {
      const periodic = message.body[keepalive.valueStart] === 1;
      const periodMs = message.body.readUInt32BE(keepalive.valueStart + 1);
      this.keepaliveTimer?.cancel();
      this.keepaliveTimer =
        periodic && periodMs > 0
          ? this.hooks.clock.setInterval(() => {
              if (!this.hooks.isFrozen()) this.write(encodeKeepalive(this.messageId()));
            }, periodMs)
          : null;
    }
    this.write(encodeStatusResponse(MessageType.SET_READER_CONFIG_RESPONSE, message.messageId));
  }

  private customMessage(message: LlrpMessage): void {
    const body = message.body;
    const isEnableExtensions =
      body.length >= 5 && body.readUInt32BE(0) === VENDOR_IMPINJ && body[4] === Impinj.MESSAGE_ENABLE_EXTENSIONS;
    if (isEnableExtensions && this.hooks.profile.impinjExtensions) {
      this.extensionsEnabled = true;
      this.write(encodeImpinjEnableExtensionsResponse(message.messageId));
      return;
    }
    this.write(
      encodeStatusResponse(
        MessageType.ERROR_MESSAGE,
        message.messageId,
        StatusCode.UnsupportedMessage,
        'unsupported custom message',
      ),
    );
  }
}
