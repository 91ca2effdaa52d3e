import { LLRP_HEADER_BYTES, MessageType } from './constants.js';

/**
 * Cuts a TCP byte stream into LLRP messages. TCP does not corrupt bytes, but a reader with a
 * firmware bug, the wrong port or a proxy can: a header is accepted only when its reserved bits
 * are 0, its version is 1 or 2 and its length lies in [10, messageBytesMax]; after garbage, the
 * message type must also be one the standard defines, so resync does not lock onto noise.
 * Bad bytes are dropped one at a time and a run of them counts as one bad message. Pure: no I/O.
 */
export const LLRP_MESSAGE_BYTES_MAX_DEFAULT = 1_048_576;

const KNOWN_TYPES = new Set<number>(Object.values(MessageType));

export interface FramerStats {
  messagesOk: number;
  /** Runs of bytes that did not form a message (each run counted once). */
  messagesBad: number;
  bytesDropped: number;
  /** Headers that claimed more than messageBytesMax. */
  oversize: number;
}

export class LlrpFramer {
  private pending: Buffer | null = null;
  private inGarbage = false;
  readonly stats: FramerStats = { messagesOk: 0, messagesBad: 0, bytesDropped: 0, oversize: 0 };

  constructor(private readonly messageBytesMax = LLRP_MESSAGE_BYTES_MAX_DEFAULT) {}

  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }

  /** Feeds bytes; returns the whole messages they complete (views into a private copy: safe to keep). */
  push(chunk: Uint8Array): Buffer[] {
    const buffer = this.pending ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    const messages: Buffer[] = [];
    let offset = 0;
    while (buffer.length - offset >= LLRP_HEADER_BYTES) {
      const length = this.candidateLength(buffer, offset);
      if (length < 0) {
        this.dropByte();
        offset++;
        continue;
      }
      if (buffer.length - offset < length) break;
      messages.push(buffer.subarray(offset, offset + length));
      offset += length;
      this.stats.messagesOk++;
      this.inGarbage = false;
    }
    this.pending = offset < buffer.length ? buffer.subarray(offset) : null;
    return messages;
  }

  /** Length of the message whose header starts at `offset`, or -1 when no message can start there. */
  private candidateLength(buffer: Buffer, offset: number): number {
    const first = buffer.readUInt16BE(offset);
    const reserved = first >> 13;
    const version = (first >> 10) & 0x7;
    const length = buffer.readUInt32BE(offset + 2);
    if (reserved !== 0 || (version !== 1 && version !== 2) || length < LLRP_HEADER_BYTES) return -1;
    if (length > this.messageBytesMax) {
      this.stats.oversize++;
      return -1;
    }
    if (this.inGarbage && !KNOWN_TYPES.has(first & 0x3ff)) return -1;
    return length;
  }

  private dropByte(): void {
    this.stats.bytesDropped++;
    if (!this.inGarbage) this.stats.messagesBad++;
    this.inGarbage = true;
  }
}
