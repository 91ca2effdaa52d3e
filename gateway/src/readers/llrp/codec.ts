import { LLRP_HEADER_BYTES, ParamType, TV_VALUE_BYTES } from './constants.js';

/**
 * LLRP binary encoding (LLRP 1.0.1 §15 / 1.1 §16): the message header and the two parameter
 * forms. Pure and allocation-light: the decoders walk a Buffer with a reusable cursor, so an
 * RO_ACCESS_REPORT of hundreds of tags decodes without building a tree.
 */
export interface LlrpHeader {
  version: number;
  type: number;
  /** Whole message including the 10-byte header. */
  length: number;
  messageId: number;
}

export interface LlrpMessage {
  version: number;
  type: number;
  messageId: number;
  body: Buffer;
}

/** Counts of what a decoder skipped; never fatal (a Zebra custom subtype once crashed other clients). */
export interface DecodeStats {
  /** TLV parameters of a type this decoder does not use, skipped by their length. */
  unknownParams: number;
  /** Custom (1023) parameters of a vendor/subtype not enabled, skipped by their length. */
  unknownCustom: number;
  /** Truncated or inconsistent parameters: the rest of the enclosing parameter was given up. */
  malformed: number;
}

export function newDecodeStats(): DecodeStats {
  return { unknownParams: 0, unknownCustom: 0, malformed: 0 };
}

/** Reads a header at `offset`; null when fewer than 10 bytes are there. Validity is the framer's job. */
export function readHeader(buffer: Buffer, offset = 0): LlrpHeader | null {
  if (buffer.length - offset < LLRP_HEADER_BYTES) return null;
  const first = buffer.readUInt16BE(offset);
  return {
    version: (first >> 10) & 0x7,
    type: first & 0x3ff,
    length: buffer.readUInt32BE(offset + 2),
    messageId: buffer.readUInt32BE(offset + 6),
  };
}

export function reservedBitsOf(buffer: Buffer, offset = 0): number {
  return (buffer[offset] ?? 0) >> 5;
}

export function encodeMessage(type: number, messageId: number, body: Buffer = EMPTY, version = 1): Buffer {
  const message = Buffer.allocUnsafe(LLRP_HEADER_BYTES + body.length);
  message.writeUInt16BE(((version & 0x7) << 10) | (type & 0x3ff), 0);
  message.writeUInt32BE(message.length, 2);
  message.writeUInt32BE(messageId >>> 0, 6);
  body.copy(message, LLRP_HEADER_BYTES);
  return message;
}

export function decodeMessage(message: Buffer): LlrpMessage {
  const header = readHeader(message);
  if (!header) throw new RangeError('LLRP message shorter than its 10-byte header');
  return {
    version: header.version,
    type: header.type,
    messageId: header.messageId,
    body: message.subarray(LLRP_HEADER_BYTES, Math.min(message.length, header.length)),
  };
}

/** Where one parameter sits in its buffer; reused across calls to keep decoding allocation-free. */
export interface ParamCursor {
  type: number;
  isTv: boolean;
  /** First byte after the parameter header (TV: after the type byte; TLV: after the 4-byte header). */
  valueStart: number;
  /** First byte after the parameter. */
  end: number;
}

export function newCursor(): ParamCursor {
  return { type: 0, isTv: false, valueStart: 0, end: 0 };
}

/**
 * Reads the parameter at `offset` within `[offset, limit)`. False when it cannot be delimited:
 * truncated, a TLV length below 4 or past the limit, or a TV type whose size is unknown.
 */
export function readParam(buffer: Buffer, offset: number, limit: number, cursor: ParamCursor): boolean {
  if (offset >= limit) return false;
  const first = buffer[offset] ?? 0;
  if (first & 0x80) {
    const type = first & 0x7f;
    const size = TV_VALUE_BYTES[type] ?? 0;
    if (size === 0 || offset + 1 + size > limit) return false;
    cursor.type = type;
    cursor.isTv = true;
    cursor.valueStart = offset + 1;
    cursor.end = offset + 1 + size;
    return true;
  }
  if (offset + 4 > limit) return false;
  const type = buffer.readUInt16BE(offset) & 0x3ff;
  const length = buffer.readUInt16BE(offset + 2);
  if (length < 4 || offset + length > limit) return false;
  cursor.type = type;
  cursor.isTv = false;
  cursor.valueStart = offset + 4;
  cursor.end = offset + length;
  return true;
}

/** Calls `visit` for each top-level parameter in `[start, limit)`; counts a malformed tail. */
export function forEachParam(
  buffer: Buffer,
  start: number,
  limit: number,
  stats: DecodeStats,
  visit: (cursor: ParamCursor) => void,
): void {
  const cursor = newCursor();
  for (let offset = start; offset < limit; offset = cursor.end) {
    if (!readParam(buffer, offset, limit, cursor)) {
      stats.malformed++;
      return;
    }
    visit(cursor);
  }
}

/** The first TLV parameter of `type` among the parameters in `[start, limit)`, or null. */
export function findParam(
  buffer: Buffer,
  start: number,
  limit: number,
  type: number,
  stats: DecodeStats,
): ParamCursor | null {
  let found: ParamCursor | null = null;
  forEachParam(buffer, start, limit, stats, (cursor) => {
    if (!found && !cursor.isTv && cursor.type === type) found = { ...cursor };
  });
  return found;
}

/** u64 as a JS number: exact below 2^53 (µs since 1970 stay exact until the year 2255). */
export function readU64(buffer: Buffer, offset: number): number {
  return buffer.readUInt32BE(offset) * 0x1_0000_0000 + buffer.readUInt32BE(offset + 4);
}

/** A Custom parameter's vendor and subtype, or null when it is too short to carry them. */
export function customHeader(buffer: Buffer, cursor: ParamCursor): { vendor: number; subtype: number } | null {
  if (cursor.end - cursor.valueStart < 8) return null;
  return { vendor: buffer.readUInt32BE(cursor.valueStart), subtype: buffer.readUInt32BE(cursor.valueStart + 4) };
}

/** UTF-8 string field (u16 byte count + bytes); null when truncated. */
export function readUtf8v(buffer: Buffer, offset: number, limit: number): { text: string; end: number } | null {
  if (offset + 2 > limit) return null;
  const length = buffer.readUInt16BE(offset);
  if (offset + 2 + length > limit) return null;
  return { text: buffer.toString('utf8', offset + 2, offset + 2 + length), end: offset + 2 + length };
}

// ---- encoders ----

const EMPTY = Buffer.alloc(0);

export function u8(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}

export function u16(value: number): Buffer {
  const buffer = Buffer.allocUnsafe(2);
  buffer.writeUInt16BE(value & 0xffff, 0);
  return buffer;
}

export function s16(value: number): Buffer {
  const buffer = Buffer.allocUnsafe(2);
  buffer.writeInt16BE(value, 0);
  return buffer;
}

export function u32(value: number): Buffer {
  const buffer = Buffer.allocUnsafe(4);
  buffer.writeUInt32BE(value >>> 0, 0);
  return buffer;
}

export function u64(value: number): Buffer {
  const buffer = Buffer.allocUnsafe(8);
  buffer.writeUInt32BE(Math.floor(value / 0x1_0000_0000) >>> 0, 0);
  buffer.writeUInt32BE(value >>> 0, 4);
  return buffer;
}

export function utf8v(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([u16(bytes.length), bytes]);
}

/** A TLV parameter: type, length (header included), then fields and sub-parameters in order. */
export function tlv(type: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.allocUnsafe(4);
  header.writeUInt16BE(type & 0x3ff, 0);
  header.writeUInt16BE(4 + body.length, 2);
  return Buffer.concat([header, body]);
}

/** A TV parameter: marker bit + 7-bit type, then its fixed-size value. */
export function tv(type: number, value: Buffer): Buffer {
  return Buffer.concat([u8(0x80 | type), value]);
}

/** A Custom parameter (type 1023): vendor (IANA enterprise number), subtype, data. */
export function custom(vendor: number, subtype: number, ...data: Buffer[]): Buffer {
  return tlv(ParamType.Custom, u32(vendor), u32(subtype), ...data);
}

/** LLRPStatus: StatusCode u16 + ErrorDescription utf8v. */
export function llrpStatus(code = 0, description = ''): Buffer {
  return tlv(ParamType.LLRPStatus, u16(code), utf8v(description));
}

/** The status of a *_RESPONSE body: its first parameter must be LLRPStatus. */
export function readStatus(body: Buffer): { code: number; description: string } | null {
  const cursor = newCursor();
  if (!readParam(body, 0, body.length, cursor) || cursor.isTv || cursor.type !== ParamType.LLRPStatus) return null;
  if (cursor.end - cursor.valueStart < 2) return null;
  const description = readUtf8v(body, cursor.valueStart + 2, cursor.end);
  return { code: body.readUInt16BE(cursor.valueStart), description: description?.text ?? '' };
}
