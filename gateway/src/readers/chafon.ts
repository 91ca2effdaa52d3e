import { makeError } from '../../../shared/src/errors.js';
import { BaseReaderDriver, type DriverDeps } from './base.js';
import {
  CHAFON_CMD_GET_READER_INFO,
  CHAFON_CMD_INVENTORY,
  ChafonStatus,
  chafonReplyFrameSpec,
  chafonRssiToDbm,
  chafonStatusMeaning,
  decodeChafonReply,
  encodeChafonCommand,
  isInventoryStatus,
  parseChafonInventoryData,
  type ChafonReply,
} from './chafon/codec.js';
import type { ChafonReaderConfig } from './config.js';
import { ReaderErrors } from './errors.js';
import { FrameDecoder } from './serial/framing.js';
import { openSerialLink, type SerialLink, type SerialLinkOptions } from './serial/link.js';

/** Reply frames accepted for one Inventory; a reader stuck on status 0x03 must not grow memory forever. */
export const INVENTORY_FRAMES_MAX = 64;

interface PendingRequest {
  command: number;
  replies: ChafonReply[];
  /** Returns true when the reply ends the exchange. */
  isLast(reply: ChafonReply): boolean;
  resolve(replies: ChafonReply[]): void;
  reject(error: Error): void;
  armTimer(): void;
  cancelTimer(): void;
}

/**
 * Chafon UHFReader18/288 over a serial port. The protocol is request/response,
 * so the driver polls: Inventory (0x01), collect reply frames while the status
 * says more follow (0x03), emit, pause `pollIntervalMs`, repeat.
 */
export class ChafonReaderDriver extends BaseReaderDriver {
  private link: SerialLink | null = null;
  private readonly decoder = new FrameDecoder(chafonReplyFrameSpec);
  private pending: PendingRequest | null = null;
  private pollGeneration = 0;
  private consecutiveFailures = 0;

  private readonly serialBinding: SerialLinkOptions['binding'] | undefined;

  constructor(
    private readonly config: ChafonReaderConfig,
    deps: DriverDeps & { serialBinding?: SerialLinkOptions['binding'] },
  ) {
    super(config.id, 'chafon', config.reconnect, config.rssiOffsetDbm, deps);
    this.serialBinding = deps.serialBinding;
  }

  protected async openLink(): Promise<void> {
    this.decoder.reset();
    this.consecutiveFailures = 0;
    this.link = await openSerialLink(
      {
        device: this.config.device,
        baudRate: this.config.baudRate,
        ...(this.serialBinding ? { binding: this.serialBinding } : {}),
      },
      { onData: (chunk) => this.onBytes(chunk), onLost: (error) => this.linkLost(error) },
    );
    // A reader that answers GetReaderInfo is really there (right baud rate, right address).
    await this.request(CHAFON_CMD_GET_READER_INFO, () => true);
  }

  protected async closeLink(): Promise<void> {
    this.pollGeneration++;
    this.failPending(new Error('link closed'));
    const link = this.link;
    this.link = null;
    await link?.close();
  }

  protected async startInventory(): Promise<void> {
    const generation = ++this.pollGeneration;
    void this.pollLoop(generation);
  }

  protected async stopInventory(): Promise<void> {
    this.pollGeneration++;
    // An inventory in flight finishes by itself; its reads are still good.
  }

  private async pollLoop(generation: number): Promise<void> {
    while (generation === this.pollGeneration && this.link) {
      try {
        const replies = await this.request(
          CHAFON_CMD_INVENTORY,
          (reply) => reply.status !== ChafonStatus.INVENTORY_MORE_FRAMES,
        );
        this.consecutiveFailures = 0;
        for (const reply of replies) this.handleInventoryReply(reply);
      } catch (error) {
        if (generation !== this.pollGeneration) return;
        this.noteError(error);
        this.decoder.reset();
        if (++this.consecutiveFailures >= this.config.failuresMax) {
          this.linkLost(error);
          return;
        }
      }
      if (this.config.pollIntervalMs > 0)
        await new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, this.config.pollIntervalMs));
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private handleInventoryReply(reply: ChafonReply): void {
    if (reply.status === ChafonStatus.NO_TAG) return; // an empty field is an answer, not an error
    if (!isInventoryStatus(reply.status)) {
      this.noteError(
        makeError(ReaderErrors.READER_STATUS, {
          readerId: this.readerId,
          command: 'Inventory',
          status: `0x${reply.status.toString(16)}`,
          meaning: chafonStatusMeaning(reply.status),
        }),
      );
      return;
    }
    const parsed = parseChafonInventoryData(reply.data, this.config.variant);
    if (!parsed.ok) {
      this.countFrameBad(makeError(ReaderErrors.BAD_FRAME, { readerId: this.readerId, reason: parsed.reason }).message);
      return;
    }
    for (const tag of parsed.tags) {
      const rssiDbm = tag.rssiRaw === null ? this.config.rssiDefaultDbm : chafonRssiToDbm(tag.rssiRaw);
      this.emitRead(tag.epc.toString('hex'), tag.antenna || 1, rssiDbm);
    }
  }

  private onBytes(chunk: Buffer): void {
    for (const frame of this.framesFrom(this.decoder, chunk, 'bytes with a bad length or CRC were skipped'))
      this.onFrame(frame);
  }

  private onFrame(frame: Buffer): void {
    const reply = decodeChafonReply(frame);
    const pending = this.pending;
    if (!pending || reply.command !== pending.command) {
      this.countFrameBad(`unsolicited reply to command 0x${reply.command.toString(16)}`);
      return;
    }
    this.countFrameOk();
    pending.replies.push(reply);
    if (pending.replies.length >= INVENTORY_FRAMES_MAX && !pending.isLast(reply)) {
      this.pending = null;
      pending.cancelTimer();
      pending.reject(
        makeError(ReaderErrors.BAD_FRAME, {
          readerId: this.readerId,
          reason: `more than ${INVENTORY_FRAMES_MAX} reply frames for one command`,
        }),
      );
      return;
    }
    if (pending.isLast(reply)) {
      this.pending = null;
      pending.cancelTimer();
      pending.resolve(pending.replies);
    } else {
      pending.armTimer(); // each further frame gets its own deadline
    }
  }

  private request(command: number, isLast: (reply: ChafonReply) => boolean): Promise<ChafonReply[]> {
    const link = this.link;
    if (!link) return Promise.reject(new Error('not connected'));
    if (this.pending) return Promise.reject(new Error('a request is already in flight'));
    return new Promise<ChafonReply[]>((resolve, reject) => {
      let timer: { cancel(): void } | null = null;
      const pending: PendingRequest = {
        command,
        replies: [],
        isLast,
        resolve,
        reject,
        cancelTimer: () => timer?.cancel(),
        armTimer: () => {
          timer?.cancel();
          timer = this.deps.clock.setTimeout(() => {
            if (this.pending !== pending) return;
            this.pending = null;
            reject(
              makeError(ReaderErrors.TIMEOUT, {
                readerId: this.readerId,
                command: `0x${command.toString(16)}`,
                timeoutMs: this.config.responseTimeoutMs,
              }),
            );
          }, this.config.responseTimeoutMs);
        },
      };
      this.pending = pending;
      pending.armTimer();
      link.write(encodeChafonCommand(this.config.address, command)).catch((error: unknown) => {
        if (this.pending !== pending) return;
        this.pending = null;
        pending.cancelTimer();
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  private failPending(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.cancelTimer();
    pending?.reject(error);
  }
}
