import { crc16ThingMagic } from '../serial/crc.js';
import type { FrameSpec } from '../serial/framing.js';

/**
 * ThingMagic Mercury serial protocol (M6e Nano / SparkFun Simultaneous RFID, M6e, M7e).
 * Command `FF | LEN | OP | DATA | CRC_HI | CRC_LO`; response
 * `FF | LEN | OP | STATUS(2) | DATA | CRC` (LEN + 7 bytes). CRC over LEN..data.
 * Field meanings follow MercuryAPI's serial_reader_l3.c (TMR_SR_parseMetadataFromMessage).
 */
export const TM_HEADER = 0xff;
export const TM_OPCODE_VERSION = 0x03;
export const TM_OPCODE_READ_TAG_ID_MULTIPLE = 0x22;
export const TM_OPCODE_MULTI_PROTOCOL_TAG_OP = 0x2f;
export const TM_OPCODE_SET_ANTENNA_PORT = 0x91;
export const TM_STATUS_OK = 0x0000;
/** Continuous mode keep-alive: a 0x22 response with no data and this status, about once a second. */
export const TM_STATUS_NO_TAGS_FOUND = 0x0400;
export const TM_PROTOCOL_GEN2 = 0x05;

export const MetadataFlag = {
  READ_COUNT: 0x0001,
  RSSI: 0x0002,
  ANTENNA_ID: 0x0004,
  FREQUENCY: 0x0008,
  TIMESTAMP: 0x0010,
  PHASE: 0x0020,
  PROTOCOL: 0x0040,
  DATA: 0x0080,
  GPIO_STATUS: 0x0100,
} as const;
export const METADATA_ALL = 0x01ff;

function crcBytes(frame: Buffer, end: number): [number, number] {
  const crc = crc16ThingMagic(frame, 1, end);
  return [crc >>> 8, crc & 0xff];
}

/** Responses: LEN + 7 bytes. Commands: LEN + 5. The same decoder serves both directions. */
function makeSpec(name: string, overheadBytes: number): FrameSpec {
  return {
    name,
    frameBytesMin: overheadBytes,
    frameBytesMax: 255 + overheadBytes,
    frameLengthAt(buffer, offset) {
      if (buffer[offset] !== TM_HEADER) return -1;
      const length = buffer[offset + 1];
      return length === undefined ? null : length + overheadBytes;
    },
    isIntact(frame) {
      const [high, low] = crcBytes(frame, frame.length - 2);
      return frame[frame.length - 2] === high && frame[frame.length - 1] === low;
    },
  };
}

export const thingMagicResponseFrameSpec = makeSpec('thingmagic-response', 7);
export const thingMagicCommandFrameSpec = makeSpec('thingmagic-command', 5);

export function encodeThingMagicCommand(opcode: number, data: readonly number[] = []): Buffer {
  const frame = Buffer.from([TM_HEADER, data.length, opcode, ...data, 0, 0]);
  const [high, low] = crcBytes(frame, frame.length - 2);
  frame[frame.length - 2] = high;
  frame[frame.length - 1] = low;
  return frame;
}

export function encodeThingMagicResponse(opcode: number, status: number, data: readonly number[] = []): Buffer {
  const frame = Buffer.from([TM_HEADER, data.length, opcode, status >>> 8, status & 0xff, ...data, 0, 0]);
  const [high, low] = crcBytes(frame, frame.length - 2);
  frame[frame.length - 2] = high;
  frame[frame.length - 1] = low;
  return frame;
}

export interface ThingMagicCommand {
  opcode: number;
  data: Buffer;
}

export interface ThingMagicResponse {
  opcode: number;
  status: number;
  data: Buffer;
}

export function decodeThingMagicCommand(frame: Buffer): ThingMagicCommand {
  return { opcode: frame[2] ?? 0, data: frame.subarray(3, frame.length - 2) };
}

export function decodeThingMagicResponse(frame: Buffer): ThingMagicResponse {
  return {
    opcode: frame[2] ?? 0,
    status: ((frame[3] ?? 0) << 8) | (frame[4] ?? 0),
    data: frame.subarray(5, frame.length - 2),
  };
}

/**
 * Start continuous reading: embedded READ_TAG_ID_MULTIPLE (0x22) inside
 * MULTI_PROTOCOL_TAG_OP (0x2F), timeout 0, option 0x01 (continuous), Gen2,
 * option 0x10, search flags 0x001B, 1000 ms cycle, all metadata (0x01FF).
 * The default is byte-for-byte the frame the M6e Nano documentation shows.
 */
export function encodeStartContinuousRead(metadataFlags = METADATA_ALL, searchFlags = 0x001b, cycleMs = 1000): Buffer {
  const embedded = [
    TM_OPCODE_READ_TAG_ID_MULTIPLE,
    0x10,
    searchFlags >>> 8,
    searchFlags & 0xff,
    cycleMs >>> 8,
    cycleMs & 0xff,
    metadataFlags >>> 8,
    metadataFlags & 0xff,
  ];
  return encodeThingMagicCommand(TM_OPCODE_MULTI_PROTOCOL_TAG_OP, [
    0x00,
    0x00,
    0x01,
    TM_OPCODE_READ_TAG_ID_MULTIPLE,
    0x00,
    0x00,
    TM_PROTOCOL_GEN2,
    embedded.length - 1,
    ...embedded,
  ]);
}

export function encodeStopContinuousRead(): Buffer {
  return encodeThingMagicCommand(TM_OPCODE_MULTI_PROTOCOL_TAG_OP, [0x00, 0x00, 0x02]);
}

/** Antenna search list (option 0x02): one (tx, rx) pair per monostatic port. */
export function encodeSetAntennaSearchList(antennas: readonly number[]): Buffer {
  return encodeThingMagicCommand(TM_OPCODE_SET_ANTENNA_PORT, [
    0x02,
    ...antennas.flatMap((antenna) => [antenna & 0x0f, antenna & 0x0f]),
  ]);
}

export interface ThingMagicTagRead {
  epc: Buffer;
  pc: number;
  readCount: number;
  rssiDbm: number;
  /** Logical antenna: the TX port (high nibble, 0 → 16); monostatic ports have TX = RX. */
  antenna: number;
  frequencyKhz: number;
  /** Milliseconds since the last keep-alive (reader clock: not used for read time). */
  timestampMs: number;
  phase: number;
  protocol: number;
}

export type TagRecordParse =
  | { kind: 'tags'; tags: ThingMagicTagRead[] }
  | { kind: 'keep-alive' }
  | { kind: 'other'; status: number }
  | { kind: 'bad'; reason: string };

/**
 * Parses one 0x22 response from continuous mode: `option | searchFlags(2) |
 * metadataFlags(2) | tagCount | {metadata… | epcBits(2) | PC | [XPC_W1 [XPC_W2]] | EPC | CRC}`.
 */
export function parseTagRecord(response: ThingMagicResponse): TagRecordParse {
  if (response.status === TM_STATUS_NO_TAGS_FOUND) return { kind: 'keep-alive' };
  if (response.status !== TM_STATUS_OK) return { kind: 'other', status: response.status };
  const data = response.data;
  // Stats/temperature records (option byte without the 0x10 tag-record bit) are not tags.
  if (data.length < 6) return data.length === 0 ? { kind: 'keep-alive' } : { kind: 'other', status: response.status };
  if (((data[0] ?? 0) & 0x10) === 0) return { kind: 'other', status: response.status };
  const flags = ((data[3] ?? 0) << 8) | (data[4] ?? 0);
  const count = data[5] ?? 0;
  const cursor = new ByteCursor(data, 6);
  const tags: ThingMagicTagRead[] = [];
  for (let tag = 0; tag < count; tag++) {
    const read: ThingMagicTagRead = {
      epc: Buffer.alloc(0),
      pc: 0,
      readCount: 0,
      rssiDbm: 0,
      antenna: 0,
      frequencyKhz: 0,
      timestampMs: 0,
      phase: 0,
      protocol: TM_PROTOCOL_GEN2,
    };
    const problem = readMetadata(cursor, flags, read) ?? readEpc(cursor, read);
    if (problem !== undefined) return { kind: 'bad', reason: `tag ${tag + 1}: ${problem}` };
    tags.push(read);
  }
  if (cursor.index !== data.length)
    return { kind: 'bad', reason: `${data.length - cursor.index} trailing bytes after ${count} tags` };
  return { kind: 'tags', tags };
}

/** Big-endian reads through a response's data; `need` checks before a read would run past the end. */
class ByteCursor {
  constructor(
    private readonly data: Buffer,
    public index: number,
  ) {}
  need(bytes: number): boolean {
    return this.index + bytes <= this.data.length;
  }
  u8(): number {
    return this.data[this.index++] ?? 0;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  take(bytes: number): Buffer {
    const taken = Buffer.from(this.data.subarray(this.index, this.index + bytes));
    this.index += bytes;
    return taken;
  }
}

/** The metadata fields `flags` announces, in the order the reader sends them; a problem as text. */
function readMetadata(cursor: ByteCursor, flags: number, read: ThingMagicTagRead): string | undefined {
  const fixedBytes =
    (flags & MetadataFlag.READ_COUNT ? 1 : 0) +
    (flags & MetadataFlag.RSSI ? 1 : 0) +
    (flags & MetadataFlag.ANTENNA_ID ? 1 : 0) +
    (flags & MetadataFlag.FREQUENCY ? 3 : 0) +
    (flags & MetadataFlag.TIMESTAMP ? 4 : 0) +
    (flags & MetadataFlag.PHASE ? 2 : 0) +
    (flags & MetadataFlag.PROTOCOL ? 1 : 0);
  if (!cursor.need(fixedBytes)) return 'metadata truncated';
  if (flags & MetadataFlag.READ_COUNT) read.readCount = cursor.u8();
  if (flags & MetadataFlag.RSSI) read.rssiDbm = (cursor.u8() << 24) >> 24; // int8 dBm
  if (flags & MetadataFlag.ANTENNA_ID) {
    const ports = cursor.u8();
    read.antenna = ports >>> 4 || 16; // antenna 16 wraps to 0 in the nibble
  }
  if (flags & MetadataFlag.FREQUENCY) read.frequencyKhz = (cursor.u8() << 16) | cursor.u16();
  if (flags & MetadataFlag.TIMESTAMP) read.timestampMs = ((cursor.u16() << 16) | cursor.u16()) >>> 0;
  if (flags & MetadataFlag.PHASE) read.phase = cursor.u16();
  if (flags & MetadataFlag.PROTOCOL) read.protocol = cursor.u8();
  if (flags & MetadataFlag.DATA) {
    if (!cursor.need(2)) return 'data length truncated';
    const dataBytes = Math.ceil(cursor.u16() / 8);
    if (!cursor.need(dataBytes)) return 'embedded data truncated';
    cursor.index += dataBytes;
  }
  if (flags & MetadataFlag.GPIO_STATUS) {
    if (!cursor.need(1)) return 'GPIO truncated';
    cursor.index += 1;
  }
  return undefined;
}

/** `epcBits(2) | PC | [XPC_W1 [XPC_W2]] | EPC | CRC` into read.pc and read.epc; a problem as text. */
function readEpc(cursor: ByteCursor, read: ThingMagicTagRead): string | undefined {
  if (!cursor.need(2)) return 'EPC length missing';
  const epcBits = cursor.u16();
  if (epcBits % 8 !== 0) return `EPC length ${epcBits} bits is not whole bytes`;
  let epcBytes = epcBits / 8;
  if (!cursor.need(epcBytes)) return 'EPC truncated';
  // PC word and tag CRC are counted in the length; so is XPC_W1 (PC bit 0x0200) and XPC_W2 (XPC_W1 bit 0x8000).
  epcBytes -= 4;
  if (epcBytes < 0) return `EPC length ${epcBits} bits is shorter than PC + CRC`;
  read.pc = cursor.u16();
  if (read.pc & 0x0200) {
    const xpcW1 = cursor.u16();
    epcBytes -= 2;
    if (xpcW1 & 0x8000) {
      cursor.index += 2;
      epcBytes -= 2;
    }
  }
  if (epcBytes <= 0) return 'no EPC bytes after PC/XPC words';
  read.epc = cursor.take(epcBytes);
  cursor.index += 2; // skip the Gen2 CRC
  return undefined;
}

export interface TagRecordInput {
  epc: Buffer;
  rssiDbm: number;
  antenna: number;
  frequencyKhz?: number;
  timestampMs?: number;
  readCount?: number;
}

/** Builds a continuous-mode tag record response (what an M6e Nano streams) with all metadata (0x01FF). */
export function encodeTagRecord(tag: TagRecordInput): Buffer {
  const pc = ((tag.epc.length / 2) << 11) & 0xf800; // PC length field in words; no XPC
  const port = tag.antenna === 16 ? 0 : tag.antenna & 0x0f;
  const frequencyKhz = tag.frequencyKhz ?? 915_250;
  const timestampMs = tag.timestampMs ?? 0;
  const epcBits = (tag.epc.length + 4) * 8;
  const data = [
    0x10,
    0x00,
    0x1b,
    METADATA_ALL >>> 8,
    METADATA_ALL & 0xff,
    0x01,
    tag.readCount ?? 1,
    tag.rssiDbm & 0xff,
    (port << 4) | port,
    (frequencyKhz >>> 16) & 0xff,
    (frequencyKhz >>> 8) & 0xff,
    frequencyKhz & 0xff,
    (timestampMs >>> 24) & 0xff,
    (timestampMs >>> 16) & 0xff,
    (timestampMs >>> 8) & 0xff,
    timestampMs & 0xff,
    0x00,
    0x00, // phase
    TM_PROTOCOL_GEN2,
    0x00,
    0x00, // no embedded data
    0x00, // GPIO
    epcBits >>> 8,
    epcBits & 0xff,
    pc >>> 8,
    pc & 0xff,
    ...tag.epc,
    0x00,
    0x00, // Gen2 CRC (not checked by the host)
  ];
  return encodeThingMagicResponse(TM_OPCODE_READ_TAG_ID_MULTIPLE, TM_STATUS_OK, data);
}

export function encodeKeepAlive(): Buffer {
  return encodeThingMagicResponse(TM_OPCODE_READ_TAG_ID_MULTIPLE, TM_STATUS_NO_TAGS_FOUND);
}
