import type { TimerHandle } from '../../../shared/src/clock.js';
import { makeError } from '../../../shared/src/errors.js';
import { BaseReaderDriver, type DriverDeps } from './base.js';
import type { ThingMagicReaderConfig } from './config.js';
import { ReaderErrors } from './errors.js';
import { FrameDecoder } from './serial/framing.js';
import { openSerialLink, type SerialLink, type SerialLinkOptions } from './serial/link.js';
import {
  TM_OPCODE_MULTI_PROTOCOL_TAG_OP,
  TM_OPCODE_READ_TAG_ID_MULTIPLE,
  TM_OPCODE_SET_ANTENNA_PORT,
  TM_OPCODE_VERSION,
  TM_STATUS_OK,
  decodeThingMagicResponse,
  encodeSetAntennaSearchList,
  encodeStartContinuousRead,
  encodeStopContinuousRead,
  encodeThingMagicCommand,
  parseTagRecord,
  thingMagicResponseFrameSpec,
  type ThingMagicResponse,
} from './thingmagic/codec.js';

interface PendingCommand {
  opcode: number;
  resolve(response: ThingMagicResponse): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

/**
 * ThingMagic Mercury serial protocol in continuous mode: one start command, then
 * the module streams tag records (0x22) and a keep-alive about once a second.
 * Silence longer than `keepAliveTimeoutMs` means the link is dead.
 */
export class ThingMagicReaderDriver extends BaseReaderDriver {
  private link: SerialLink | null = null;
  private readonly decoder = new FrameDecoder(thingMagicResponseFrameSpec);
  private pending: PendingCommand | null = null;
  private watchdog: TimerHandle | null = null;
  private lastFrameAtMs = 0;
  private readonly serialBinding: SerialLinkOptions['binding'] | undefined;

  constructor(
    private readonly config: ThingMagicReaderConfig,
    deps: DriverDeps & { serialBinding?: SerialLinkOptions['binding'] },
  ) {
    super(config.id, 'thingmagic', config.reconnect, config.rssiOffsetDbm, deps);
    this.serialBinding = deps.serialBinding;
  }

  protected async openLink(): Promise<void> {
    this.decoder.reset();
    this.link = await openSerialLink(
      {
        device: this.config.device,
        baudRate: this.config.baudRate,
        ...(this.serialBinding ? { binding: this.serialBinding } : {}),
      },
      { onData: (chunk) => this.onBytes(chunk), onLost: (error) => this.linkLost(error) },
    );
    // The module may still be streaming from a previous session: stop it, ignoring the outcome.
    await this.command(encodeStopContinuousRead(), TM_OPCODE_MULTI_PROTOCOL_TAG_OP).catch(() => undefined);
    const version = await this.command(encodeThingMagicCommand(TM_OPCODE_VERSION), TM_OPCODE_VERSION);
    this.expectOk(version, 'Get Version');
  }

  protected async closeLink(): Promise<void> {
    this.stopWatchdog();
    this.failPending(new Error('link closed'));
    const link = this.link;
    this.link = null;
    await link?.close();
  }

  protected async startInventory(): Promise<void> {
    if (this.config.antennas.length !== 1 || this.config.antennas[0] !== 1) {
      this.expectOk(
        await this.command(encodeSetAntennaSearchList(this.config.antennas), TM_OPCODE_SET_ANTENNA_PORT),
        'Set Antenna Port',
      );
    }
    this.expectOk(
      await this.command(encodeStartContinuousRead(), TM_OPCODE_MULTI_PROTOCOL_TAG_OP),
      'Start Continuous Read',
    );
    this.lastFrameAtMs = this.deps.clock.nowMs();
    this.startWatchdog();
  }

  protected async stopInventory(): Promise<void> {
    this.stopWatchdog();
    if (!this.link) return;
    await this.command(encodeStopContinuousRead(), TM_OPCODE_MULTI_PROTOCOL_TAG_OP).catch((error: unknown) =>
      this.noteError(error),
    );
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    const checkEveryMs = Math.max(100, Math.floor(this.config.keepAliveTimeoutMs / 4));
    this.watchdog = this.deps.clock.setInterval(() => {
      const silentMs = this.deps.clock.nowMs() - this.lastFrameAtMs;
      if (silentMs > this.config.keepAliveTimeoutMs) {
        this.stopWatchdog();
        this.linkLost(
          makeError(ReaderErrors.TIMEOUT, {
            readerId: this.readerId,
            command: 'keep-alive',
            timeoutMs: this.config.keepAliveTimeoutMs,
          }),
        );
      }
    }, checkEveryMs);
  }

  private stopWatchdog(): void {
    this.watchdog?.cancel();
    this.watchdog = null;
  }

  private expectOk(response: ThingMagicResponse, command: string): void {
    if (response.status !== TM_STATUS_OK) {
      throw makeError(ReaderErrors.READER_STATUS, {
        readerId: this.readerId,
        command,
        status: `0x${response.status.toString(16).padStart(4, '0')}`,
        meaning: 'see MercuryAPI tmr_status.h',
      });
    }
  }

  private onBytes(chunk: Buffer): void {
    for (const frame of this.framesFrom(this.decoder, chunk, 'bytes with a bad header, length or CRC were skipped'))
      this.onFrame(frame);
  }

  private onFrame(frame: Buffer): void {
    this.lastFrameAtMs = this.deps.clock.nowMs();
    const response = decodeThingMagicResponse(frame);
    const pending = this.pending;
    if (pending && response.opcode === pending.opcode) {
      this.pending = null;
      pending.timer.cancel();
      this.countFrameOk();
      pending.resolve(response);
      return;
    }
    if (response.opcode !== TM_OPCODE_READ_TAG_ID_MULTIPLE) {
      this.countFrameBad(`unsolicited response to opcode 0x${response.opcode.toString(16)}`);
      return;
    }
    const record = parseTagRecord(response);
    if (record.kind === 'bad') {
      this.countFrameBad(makeError(ReaderErrors.BAD_FRAME, { readerId: this.readerId, reason: record.reason }).message);
      return;
    }
    this.countFrameOk();
    if (record.kind !== 'tags') return; // keep-alives and statistics only prove the link is alive
    for (const tag of record.tags) this.emitRead(tag.epc.toString('hex'), tag.antenna, tag.rssiDbm);
  }

  private command(frame: Buffer, opcode: number): Promise<ThingMagicResponse> {
    const link = this.link;
    if (!link) return Promise.reject(new Error('not connected'));
    if (this.pending) return Promise.reject(new Error('a command is already in flight'));
    return new Promise<ThingMagicResponse>((resolve, reject) => {
      const timer = this.deps.clock.setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = null;
        reject(
          makeError(ReaderErrors.TIMEOUT, {
            readerId: this.readerId,
            command: `opcode 0x${opcode.toString(16)}`,
            timeoutMs: this.config.responseTimeoutMs,
          }),
        );
      }, this.config.responseTimeoutMs);
      this.pending = { opcode, resolve, reject, timer };
      link.write(frame).catch((error: unknown) => {
        if (this.pending?.timer !== timer) return;
        this.pending = null;
        timer.cancel();
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  private failPending(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.timer.cancel();
    pending?.reject(error);
  }
}
