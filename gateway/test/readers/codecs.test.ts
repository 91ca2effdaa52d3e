import { describe, expect, it } from 'vitest';
import {
  chafonReplyFrameSpec,
  decodeChafonReply,
  encodeChafonCommand,
  encodeChafonReply,
  parseChafonInventoryData,
} from '../../src/readers/chafon/codec.js';
import { crc16Mcrf4xx, crc16ThingMagic } from '../../src/readers/serial/crc.js';
import { FrameDecoder } from '../../src/readers/serial/framing.js';
import {
  decodeThingMagicResponse,
  encodeKeepAlive,
  encodeStartContinuousRead,
  encodeStopContinuousRead,
  encodeTagRecord,
  encodeThingMagicCommand,
  encodeThingMagicResponse,
  parseTagRecord,
  thingMagicResponseFrameSpec,
} from '../../src/readers/thingmagic/codec.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('CRCs', () => {
  it('CRC-16/MCRF4XX check value is 0x6F91', () => expect(crc16Mcrf4xx(Buffer.from('123456789'))).toBe(0x6f91));
  it('ThingMagic CRC of Get Version (00 03) is 0x1D0C', () => expect(crc16ThingMagic(hex('00 03'))).toBe(0x1d0c));
});

describe('Chafon frames (issue 7 vectors)', () => {
  it.each([
    { name: 'Inventory, broadcast', command: 0x01, bytes: '04 FF 01 1B B4' },
    { name: 'GetReaderInfo, broadcast', command: 0x21, bytes: '04 FF 21 19 95' },
  ])('$name encodes as $bytes', ({ command, bytes }) => {
    expect(encodeChafonCommand(0xff, command)).toEqual(hex(bytes));
  });

  it('decodes the UHFReader288 reply: antenna 1, one tag, RSSI 0x40, more frames follow', () => {
    const frame = hex('15 00 01 03 01 01 0C 30 39 60 63 03 C7 43 80 00 1A 05 59 40 F9 3E');
    const frames = new FrameDecoder(chafonReplyFrameSpec).push(frame);
    expect(frames).toHaveLength(1);
    const reply = decodeChafonReply(frames[0] ?? Buffer.alloc(0));
    expect(reply).toMatchObject({ address: 0, command: 1, status: 3 });
    const parsed = parseChafonInventoryData(reply.data, 'uhfreader288');
    expect(parsed).toEqual({
      ok: true,
      tags: [{ epc: hex('3039606303C743800 01A0559'.replace(' ', '')), antenna: 1, rssiRaw: 0x40 }],
    });
  });

  it.each([
    { name: 'antenna 4', data: [0x08, 0x01, 0x02, 0xaa, 0xbb, 0x30], expected: { ok: true } },
    { name: 'two antenna bits', data: [0x03, 0x00], expected: { ok: false } },
    { name: 'truncated tag', data: [0x01, 0x01, 0x0c, 0x30], expected: { ok: false } },
    { name: 'zero-length EPC', data: [0x01, 0x01, 0x00, 0x40], expected: { ok: false } },
    { name: 'trailing bytes', data: [0x01, 0x00, 0x99], expected: { ok: false } },
  ])('288 inventory data: $name', ({ data, expected }) => {
    expect(parseChafonInventoryData(Buffer.from(data), 'uhfreader288')).toMatchObject(expected);
  });

  it('UHFReader18 replies carry no antenna and no RSSI', () => {
    expect(parseChafonInventoryData(Buffer.from([0x01, 0x02, 0xaa, 0xbb]), 'uhfreader18')).toEqual({
      ok: true,
      tags: [{ epc: Buffer.from([0xaa, 0xbb]), antenna: 0, rssiRaw: null }],
    });
  });

  it('resynchronises after garbage and a corrupted frame', () => {
    const good = encodeChafonReply(0, 0x01, 0x01, [0x01, 0x00]);
    const corrupted = Buffer.from(good);
    corrupted.writeUInt8(corrupted.readUInt8(4) ^ 0xff, 4);
    const decoder = new FrameDecoder(chafonReplyFrameSpec);
    const frames = decoder.push(Buffer.concat([hex('C8 13 37'), corrupted, good]));
    expect(frames).toEqual([good]);
    expect(decoder.stats.framesBad).toBeGreaterThan(0);
  });
});

describe('ThingMagic frames (issue 7 vectors)', () => {
  it.each([
    { name: 'Get Version', frame: () => encodeThingMagicCommand(0x03), bytes: 'FF 00 03 1D 0C' },
    {
      name: 'start continuous read',
      frame: () => encodeStartContinuousRead(),
      bytes: 'FF 10 2F 00 00 01 22 00 00 05 07 22 10 00 1B 03 E8 01 FF DD 2B',
    },
    { name: 'stop continuous read', frame: () => encodeStopContinuousRead(), bytes: 'FF 03 2F 00 00 02 5E 86' },
    { name: 'keep-alive', frame: () => encodeKeepAlive(), bytes: 'FF 00 22 04 00 84 E0' },
  ])('$name is $bytes', ({ frame, bytes }) => expect(frame()).toEqual(hex(bytes)));

  it('parses the SparkFun-documented tag record (RSSI 0xC4, antenna 0x11, 915.0 MHz)', () => {
    const body = hex(
      '22 00 00 10 00 1B 01 FF 01 01 C4 11 0E 16 40 00 00 01 27 00 00 05 00 00 0F 00 80 30 00 00 00 00 00 00 00 00 00 00 00 15 45 E9 4A',
    );
    const frame = encodeThingMagicResponse(body[0] ?? 0, 0, [...body.subarray(3)]);
    expect(frame[1]).toBe(0x28);
    const record = parseTagRecord(decodeThingMagicResponse(frame));
    expect(record).toMatchObject({
      kind: 'tags',
      tags: [
        {
          rssiDbm: -60,
          antenna: 1,
          frequencyKhz: 0x0e1640,
          timestampMs: 0x127,
          pc: 0x3000,
          epc: hex('000000000000000000001545'),
        },
      ],
    });
  });

  it('skips XPC_W1 and XPC_W2 when the PC says they are present', () => {
    const epc = hex('3039606303C74380001A0559');
    const plain = decodeThingMagicResponse(encodeTagRecord({ epc, rssiDbm: -50, antenna: 2 }));
    const data = [...plain.data];
    const epcBitsAt = 22;
    const bits = ((data[epcBitsAt] ?? 0) << 8) | (data[epcBitsAt + 1] ?? 0);
    const withXpc = [
      ...data.slice(0, epcBitsAt),
      (bits + 32) >> 8,
      (bits + 32) & 0xff,
      0x32,
      0x00,
      0x80,
      0x00,
      0x12,
      0x34,
      ...data.slice(epcBitsAt + 4),
    ];
    const record = parseTagRecord({ opcode: 0x22, status: 0, data: Buffer.from(withXpc) });
    expect(record).toMatchObject({ kind: 'tags', tags: [{ epc, antenna: 2, rssiDbm: -50, pc: 0x3200 }] });
  });

  it('classifies keep-alives and rejects truncated records without throwing', () => {
    expect(parseTagRecord(decodeThingMagicResponse(encodeKeepAlive()))).toEqual({ kind: 'keep-alive' });
    const good = decodeThingMagicResponse(
      encodeTagRecord({ epc: hex('3039606303C74380001A0559'), rssiDbm: -50, antenna: 1 }),
    );
    expect(parseTagRecord({ ...good, data: good.data.subarray(0, 20) })).toMatchObject({ kind: 'bad' });
  });

  it('resynchronises on 0xFF after garbage', () => {
    const good = encodeKeepAlive();
    const decoder = new FrameDecoder(thingMagicResponseFrameSpec);
    expect(decoder.push(Buffer.concat([hex('FF 40 22 00 01 02'), good]))).toEqual([good]);
  });
});
