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
  /** Bytes received but not yet cut, kept as chunks: a large report arriving in many reads is joined once. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Bytes needed before the next message can be complete (skip work until then). */
  private neededBytes = LLRP_HEADER_BYTES;
  private inGarbage = false;
  readonly stats: FramerStats = { messagesOk: 0, messagesBad: 0, bytesDropped: 0, oversize: 0 };

  constructor(private readonly messageBytesMax = LLRP_MESSAGE_BYTES_MAX_DEFAULT) {}

  get bufferedBytes(): number {
    return this.partsBytes;
  }

  /**
   * Feeds bytes; returns the whole messages they complete. A message may be a view of the
   * pushed bytes: decode it before the caller reuses them (socket chunks are never reused).
   */
  push(chunk: Uint8Array): Buffer[] {
    if (chunk.length === 0) return [];
    this.parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    this.partsBytes += chunk.length;
    if (this.partsBytes < this.neededBytes) return [];
    const buffer = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsBytes);
    const messages: Buffer[] = [];
    let offset = 0;
    this.neededBytes = LLRP_HEADER_BYTES;
    while (buffer.length - offset >= LLRP_HEADER_BYTES) {
      const length = this.candidateLength(buffer, offset);
      if (length < 0) {
        this.dropByte();
        offset++;
        continue;
      }
      if (buffer.length - offset < length) {
        this.neededBytes = length;
        break;
      }
      messages.push(buffer.subarray(offset, offset + length));
      offset += length;
      this.stats.messagesOk++;
      this.inGarbage = false;
    }
    const rest = buffer.subarray(offset);
    this.parts = rest.length > 0 ? [rest] : [];
    this.partsBytes = rest.length;
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
