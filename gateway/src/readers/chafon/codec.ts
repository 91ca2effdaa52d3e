import { crc16Mcrf4xx } from '../serial/crc.js';
import type { FrameSpec } from '../serial/framing.js';

/**
 * Chafon UHFReader18 / UHFReader288 serial protocol (CF-RU5102, CF-RU6402, CF-MU80x).
 * Command: `Len | Adr | Cmd | Data… | CRC-LSB | CRC-MSB`; reply:
 * `Len | Adr | reCmd | Status | Data… | CRC`. Len counts the bytes after itself;
 * the CRC (CRC-16/MCRF4XX, LSB first) covers Len..last data byte.
 */
export const CHAFON_CMD_INVENTORY = 0x01;
export const CHAFON_CMD_GET_READER_INFO = 0x21;
export const CHAFON_BROADCAST_ADDRESS = 0xff;

export const ChafonStatus = {
  SUCCESS: 0x00,
  INVENTORY_COMPLETE: 0x01,
  INVENTORY_SCAN_TIME_OVERFLOW: 0x02,
  INVENTORY_MORE_FRAMES: 0x03,
  INVENTORY_BUFFER_FULL: 0x04,
  ANTENNA_ERROR: 0xf8,
  NO_TAG: 0xfb,
  ILLEGAL_COMMAND: 0xfe,
  PARAMETER_ERROR: 0xff,
} as const;

export function chafonStatusMeaning(status: number): string {
  switch (status) {
    case ChafonStatus.SUCCESS:
      return 'success';
    case ChafonStatus.INVENTORY_COMPLETE:
      return 'inventory complete';
    case ChafonStatus.INVENTORY_SCAN_TIME_OVERFLOW:
      return 'inventory scan time overflow';
    case ChafonStatus.INVENTORY_MORE_FRAMES:
      return 'more frames follow';
    case ChafonStatus.INVENTORY_BUFFER_FULL:
      return 'reader tag buffer full';
    case ChafonStatus.ANTENNA_ERROR:
      return 'antenna error (check the antenna cable)';
    case ChafonStatus.NO_TAG:
      return 'no tag in the field';
    case ChafonStatus.ILLEGAL_COMMAND:
      return 'illegal command';
    case ChafonStatus.PARAMETER_ERROR:
      return 'parameter error';
    default:
      return 'unknown status';
  }
}

/** Inventory statuses that carry (or end) a tag list; anything else is an error reply. */
export function isInventoryStatus(status: number): boolean {
  return status >= ChafonStatus.INVENTORY_COMPLETE && status <= ChafonStatus.INVENTORY_BUFFER_FULL;
}

const COMMAND_BYTES_MIN = 5; // Len Adr Cmd CRC CRC
const REPLY_BYTES_MIN = 6; // Len Adr reCmd Status CRC CRC
const FRAME_BYTES_MAX = 256; // Len is one byte

function crcIntact(frame: Buffer): boolean {
  const crc = crc16Mcrf4xx(frame, 0, frame.length - 2);
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}

/** Frames arriving from a reader (replies). */
export const chafonReplyFrameSpec: FrameSpec = {
  name: 'chafon-reply',
  frameBytesMin: REPLY_BYTES_MIN,
  frameBytesMax: FRAME_BYTES_MAX,
  frameLengthAt: (buffer, offset) => (offset < buffer.length ? (buffer[offset] ?? 0) + 1 : null),
  isIntact: crcIntact,
};

/** Frames arriving at a reader (commands): what the simulator decodes. */
export const chafonCommandFrameSpec: FrameSpec = {
  ...chafonReplyFrameSpec,
  name: 'chafon-command',
  frameBytesMin: COMMAND_BYTES_MIN,
};

function withCrc(body: number[]): Buffer {
  const frame = Buffer.from([...body, 0, 0]);
  const crc = crc16Mcrf4xx(frame, 0, frame.length - 2);
  frame[frame.length - 2] = crc & 0xff;
  frame[frame.length - 1] = crc >>> 8;
  return frame;
}

export function encodeChafonCommand(address: number, command: number, data: readonly number[] = []): Buffer {
  return withCrc([data.length + 4, address & 0xff, command & 0xff, ...data]);
}

export function encodeChafonReply(
  address: number,
  command: number,
  status: number,
  data: readonly number[] = [],
): Buffer {
  return withCrc([data.length + 5, address & 0xff, command & 0xff, status & 0xff, ...data]);
}

export interface ChafonCommand {
  address: number;
  command: number;
  data: Buffer;
}

export interface ChafonReply {
  address: number;
  command: number;
  status: number;
  data: Buffer;
}

/** Splits an intact command frame (framing already checked length and CRC). */
export function decodeChafonCommand(frame: Buffer): ChafonCommand {
  return { address: frame[1] ?? 0, command: frame[2] ?? 0, data: frame.subarray(3, frame.length - 2) };
}

export function decodeChafonReply(frame: Buffer): ChafonReply {
  return {
    address: frame[1] ?? 0,
    command: frame[2] ?? 0,
    status: frame[3] ?? 0,
    data: frame.subarray(4, frame.length - 2),
  };
}

export interface ChafonTag {
  epc: Buffer;
  /** 1-based antenna port (from the 288 bitmask), 0 when the reply has no antenna byte (UHFReader18). */
  antenna: number;
  /** Raw RSSI byte (288 only); null for UHFReader18 replies. */
  rssiRaw: number | null;
}

export type ChafonVariant = 'uhfreader288' | 'uhfreader18';

export type InventoryParse = { ok: true; tags: ChafonTag[] } | { ok: false; reason: string };

/** 288: `Ant | Num | {EPCLen | EPC | RSSI}×Num`; 18: `Num | {EPCLen | EPC}×Num`. Returns a reason instead of throwing. */
export function parseChafonInventoryData(data: Buffer, variant: ChafonVariant): InventoryParse {
  let index = 0;
  let antenna = 0;
  if (variant === 'uhfreader288') {
    const mask = data[index++];
    if (mask === undefined) return { ok: true, tags: [] };
    // One bit per antenna: 0x01 → 1 … 0x08 → 4 (0x80 → 8 on 8-port models).
    antenna = mask === 0 ? 0 : 32 - Math.clz32(mask & -mask);
    if (mask !== 0 && (mask & (mask - 1)) !== 0)
      return { ok: false, reason: `antenna byte 0x${mask.toString(16)} has more than one bit set` };
  }
  const count = data[index++];
  if (count === undefined) return { ok: true, tags: [] };
  const tags: ChafonTag[] = [];
  for (let tag = 0; tag < count; tag++) {
    const epcLength = data[index++];
    if (epcLength === undefined) return { ok: false, reason: `tag ${tag + 1} of ${count} is missing` };
    if (epcLength === 0 || epcLength > 62) return { ok: false, reason: `EPC length ${epcLength} out of range 1..62` };
    const rssiBytes = variant === 'uhfreader288' ? 1 : 0;
    if (index + epcLength + rssiBytes > data.length) return { ok: false, reason: `tag ${tag + 1} is truncated` };
    const epc = Buffer.from(data.subarray(index, index + epcLength));
    index += epcLength;
    const rssiRaw = rssiBytes ? (data[index++] ?? 0) : null;
    tags.push({ epc, antenna, rssiRaw });
  }
  if (index !== data.length) return { ok: false, reason: `${data.length - index} trailing bytes after ${count} tags` };
  return { ok: true, tags };
}

export function encodeChafonInventoryData(
  tags: ReadonlyArray<{ epc: Buffer; rssiRaw: number }>,
  antenna: number,
  variant: ChafonVariant,
): number[] {
  const body: number[] = [];
  if (variant === 'uhfreader288') body.push(antenna >= 1 && antenna <= 8 ? 1 << (antenna - 1) : 0);
  body.push(tags.length);
  for (const tag of tags) {
    body.push(tag.epc.length, ...tag.epc);
    if (variant === 'uhfreader288') body.push(tag.rssiRaw & 0xff);
  }
  return body;
}

/** UHFReader288 firmware reports RSSI as a positive magnitude: 0x40 → −64 dBm. */
export function chafonRssiToDbm(rssiRaw: number): number {
  return -rssiRaw;
}

export function dbmToChafonRssi(rssiDbm: number): number {
  return Math.min(255, Math.max(0, Math.round(-rssiDbm)));
}

/** Tags that fit in one reply frame (Len ≤ 255) so the simulator can split with status 0x03. */
export function chafonTagsPerFrame(epcBytes: number, variant: ChafonVariant): number {
  const perTag = 1 + epcBytes + (variant === 'uhfreader288' ? 1 : 0);
  return Math.max(1, Math.floor((255 - 5 - 2) / perTag));
}
