import { Transform, type TransformCallback } from 'node:stream';

/**
 * Length-prefixed, CRC-checked framing with resynchronisation, shared by the
 * Chafon and ThingMagic codecs (one decoder, two frame specs). Pure: no I/O, so
 * the fuzz tests drive it directly and the Transform below is a thin shell.
 *
 * Resync rule: a complete candidate whose CRC fails drops one byte. An incomplete
 * candidate (a garbage length byte claiming 200 bytes) does not block the stream:
 * if a complete, CRC-valid frame starts later in the buffer, the decoder skips to it.
 */
export interface FrameSpec {
  name: string;
  /** Smallest and largest possible frame, in bytes. */
  frameBytesMin: number;
  frameBytesMax: number;
  /**
   * Total length of the frame starting at `offset`: a number, `null` when more
   * bytes are needed to know, or `-1` when no frame can start at this byte.
   */
  frameLengthAt(buffer: Buffer, offset: number): number | null;
  /** CRC (or other integrity) check over a complete candidate. */
  isIntact(frame: Buffer): boolean;
}

export interface FrameDecoderStats {
  framesOk: number;
  framesBad: number;
  bytesDropped: number;
}

/** Bytes kept while waiting for a frame to complete; beyond this the oldest are dropped. */
export const FRAME_BUFFER_BYTES_MAX_DEFAULT = 4096;

export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  readonly stats: FrameDecoderStats = { framesOk: 0, framesBad: 0, bytesDropped: 0 };
  /** True while dropping bytes, so a run of garbage counts as one bad frame. */
  private inGarbage = false;

  constructor(
    private readonly spec: FrameSpec,
    private readonly bufferBytesMax = FRAME_BUFFER_BYTES_MAX_DEFAULT,
  ) {}

  /** Feeds bytes; returns the complete, intact frames they finish (copies, safe to keep). */
  push(chunk: Uint8Array): Buffer[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length > this.bufferBytesMax) this.drop(this.buffer.length - this.bufferBytesMax);
    const frames: Buffer[] = [];
    let offset = 0;
    while (offset < this.buffer.length) {
      const status = this.candidateAt(offset);
      if (status.kind === 'frame') {
        frames.push(Buffer.from(this.buffer.subarray(offset, offset + status.length)));
        this.stats.framesOk++;
        this.inGarbage = false;
        offset += status.length;
      } else if (status.kind === 'bad') {
        this.noteGarbage(1);
        offset += 1;
      } else {
        // Incomplete: wait, unless a complete intact frame starts further on.
        const later = this.findIntactFrameAfter(offset + 1);
        if (later < 0) break;
        this.noteGarbage(later - offset);
        offset = later;
      }
    }
    this.buffer = this.buffer.subarray(offset);
    return frames;
  }

  /** Discards buffered bytes (after a reply timeout: whatever was pending is stale). */
  reset(): void {
    if (this.buffer.length > 0) this.noteGarbage(this.buffer.length);
    this.buffer = Buffer.alloc(0);
    this.inGarbage = false;
  }

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  private candidateAt(offset: number): { kind: 'frame'; length: number } | { kind: 'bad' } | { kind: 'incomplete' } {
    const length = this.spec.frameLengthAt(this.buffer, offset);
    if (length === null) return { kind: 'incomplete' };
    if (length < this.spec.frameBytesMin || length > this.spec.frameBytesMax) return { kind: 'bad' };
    if (offset + length > this.buffer.length) return { kind: 'incomplete' };
    return this.spec.isIntact(this.buffer.subarray(offset, offset + length))
      ? { kind: 'frame', length }
      : { kind: 'bad' };
  }

  private findIntactFrameAfter(start: number): number {
    for (let offset = start; offset < this.buffer.length; offset++) {
      if (this.candidateAt(offset).kind === 'frame') return offset;
    }
    return -1;
  }

  private noteGarbage(byteCount: number): void {
    this.stats.bytesDropped += byteCount;
    if (!this.inGarbage) this.stats.framesBad++;
    this.inGarbage = true;
  }

  private drop(byteCount: number): void {
    this.noteGarbage(byteCount);
    this.buffer = this.buffer.subarray(byteCount);
  }
}

/** Stream shell over FrameDecoder: bytes in, one intact frame (Buffer) per object out. */
export class FramingTransform extends Transform {
  readonly decoder: FrameDecoder;

  constructor(spec: FrameSpec, bufferBytesMax = FRAME_BUFFER_BYTES_MAX_DEFAULT) {
    super({ readableObjectMode: true });
    this.decoder = new FrameDecoder(spec, bufferBytesMax);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const frame of this.decoder.push(chunk)) this.push(frame);
    callback();
  }
}
