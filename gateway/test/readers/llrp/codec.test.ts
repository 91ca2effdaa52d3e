import { describe, expect, it } from 'vitest';
import {
  decodeCapabilitiesResponse,
  encodeCapabilitiesResponseBody,
  powerIndexFor,
} from '../../../src/readers/llrp/capabilities.js';
import { decodeMessage, newDecodeStats, readHeader } from '../../../src/readers/llrp/codec.js';
import { MessageType } from '../../../src/readers/llrp/constants.js';
import { decodeReaderEventNotification } from '../../../src/readers/llrp/events.js';
import { LlrpFramer } from '../../../src/readers/llrp/framer.js';
import {
  addRoSpec,
  closeConnection,
  getReaderCapabilities,
  impinjEnableExtensions,
  keepaliveAck,
  rospecCommand,
  setReaderConfig,
} from '../../../src/readers/llrp/messages.js';
import { encodeRoAccessReport, encodeReaderEventNotification } from '../../../src/readers/llrp/reader-messages.js';
import { decodeRoAccessReport, type TagReport } from '../../../src/readers/llrp/reports.js';
import { decodeAddRoSpecBody, type RoSpecPlan } from '../../../src/readers/llrp/rospec.js';

/**
 * Byte sequences written out by hand from the LLRP 1.0.1 binary encoding (§15: header,
 * TLV/TV parameters, Custom 1023), not produced by the code under test, so an encoder
 * and a decoder that are wrong in the same way cannot agree with each other and pass.
 */
const hex = (text: string) => Buffer.from(text.replace(/[^0-9a-f]/gi, ''), 'hex');

describe('llrp client messages: bytes per the standard', () => {
  it.each([
    // ver 1 (001), type 72 → 0x0448; length 10; id 0x1234.
    ['KEEPALIVE_ACK', keepaliveAck(0x1234), '0448 0000000a 00001234'],
    // type 1, RequestedData 0 = all.
    ['GET_READER_CAPABILITIES', getReaderCapabilities(1), '0401 0000000b 00000001 00'],
    // type 21, ROSpecID 0 = every ROSpec.
    ['DELETE_ROSPEC all', rospecCommand(MessageType.DELETE_ROSPEC, 5, 0), '0415 0000000e 00000005 00000000'],
    ['ENABLE_ROSPEC 7', rospecCommand(MessageType.ENABLE_ROSPEC, 6, 7), '0418 0000000e 00000006 00000007'],
    ['START_ROSPEC 7', rospecCommand(MessageType.START_ROSPEC, 8, 7), '0416 0000000e 00000008 00000007'],
    ['CLOSE_CONNECTION', closeConnection(9), '040e 0000000a 00000009'],
    // CUSTOM_MESSAGE 1023 = 0x3ff → 0x07ff; vendor 25882 = 0x651a; subtype 21; reserved u32.
    ['IMPINJ_ENABLE_EXTENSIONS', impinjEnableExtensions(2), '07ff 00000013 00000002 0000651a 15 00000000'],
  ])('%s', (_name, bytes, expected) => {
    expect(bytes.toString('hex')).toBe(hex(expected).toString('hex'));
  });

  it('SET_READER_CONFIG: reset flag, event notifications, periodic keepalive, events-and-reports', () => {
    const message = setReaderConfig(3, { resetToFactoryDefault: true, keepaliveMs: 5000 });
    const body = decodeMessage(message).body;
    expect(readHeader(message)).toMatchObject({ version: 1, type: 3, length: message.length, messageId: 3 });
    expect(body[0]).toBe(0x80); // ResetToFactoryDefault bit
    // KeepaliveSpec 220 = 0x00dc, length 9, type 1 (periodic), 5000 ms = 0x1388.
    expect(body.includes(hex('00dc 0009 01 00001388'))).toBe(true);
    // EventNotificationState 245 = 0x00f5, length 7: GPI_Event (1) on; buffer warning (3) on.
    expect(body.includes(hex('00f5 0007 0001 80'))).toBe(true);
    expect(body.includes(hex('00f5 0007 0003 80'))).toBe(true);
  });
});

describe('RO_ACCESS_REPORT decoding', () => {
  const EPC = '3039606303c74380001a0559';
  // TagReportData 240 = 0x00f0, length 31: EPC-96 TV 13 (0x8d), AntennaID TV 1 (0x81) = 2,
  // PeakRSSI TV 6 (0x86) = -60 (0xc4), FirstSeenTimestampUTC TV 2 (0x82) = 1_733_000_000_000_000 µs.
  const tagReportData = `00f0 001f 8d ${EPC} 81 0002 86 c4 82 0006282781655000`;
  const report = hex(`043d 00000029 00000063 ${tagReportData}`);

  function decode(bytes: Buffer, impinjExtensions = false) {
    const tags: TagReport[] = [];
    const stats = newDecodeStats();
    decodeRoAccessReport(decodeMessage(bytes).body, { impinjExtensions }, stats, (tag) => tags.push(tag));
    return { tags, stats };
  }

  it('EPC-96, antenna, peak RSSI and first-seen µs from hand-written bytes', () => {
    expect(readHeader(report)).toEqual({ version: 1, type: 61, length: 41, messageId: 0x63 });
    expect(decode(report).tags).toEqual([
      { epcHex: EPC, antennaId: 2, peakRssiDbm: -60, firstSeenUtcMicros: 1_733_000_000_000_000 },
    ]);
  });

  it('EPCData TLV of any length (128 bits), last seen, seen count, channel', () => {
    const epc128 = '300833b2ddd9014000000000000000ab';
    // EPCData 241 = 0x00f1, length 22: EPCLengthBits 128 (0x0080) + 16 bytes.
    const bytes = hex(
      `043d 00000036 00000001 00f0 002c 00f1 0016 0080 ${epc128} 84 0006282781655064 88 0003 87 0017 81 0001`,
    );
    expect(decode(bytes).tags).toEqual([
      {
        epcHex: epc128,
        lastSeenUtcMicros: 1_733_000_000_000_100,
        seenCount: 3,
        channelIndex: 23,
        antennaId: 1,
      },
    ]);
  });

  it('unknown TLV and unknown Custom subtypes are skipped by length and counted; Impinj peak RSSI is dBm×100', () => {
    // Unknown TLV 500 (0x01f4) inside TagReportData; Zebra custom (vendor 161 = 0xa1, subtype 0x7f01);
    // ImpinjPeakRSSI (vendor 0x651a, subtype 57 = 0x39) = -5012 cdBm (0xec6c).
    const inner = `8d ${EPC} 01f4 0006 abcd 03ff 0010 000000a1 00007f01 01020304 03ff 000e 0000651a 00000039 ec6c`;
    const tagLength = 4 + 13 + 6 + 16 + 14;
    const bytes = hex(
      `043d ${(10 + tagLength + 12).toString(16).padStart(8, '0')} 00000002 00f0 ${tagLength.toString(16).padStart(4, '0')} ${inner} 03ff 000c 000000a1 00000001`,
    );
    const withExtensions = decode(bytes, true);
    expect(withExtensions.tags).toEqual([{ epcHex: EPC, impinjPeakRssiCdbm: -5012 }]);
    expect(withExtensions.stats).toEqual({ unknownParams: 1, unknownCustom: 2, malformed: 0 });
    // Without Impinj extensions its parameter is one more unknown custom, never an error.
    expect(decode(bytes, false).stats).toEqual({ unknownParams: 1, unknownCustom: 3, malformed: 0 });
  });

  it('a truncated parameter drops that tag, counts it, and never throws', () => {
    const truncated = Buffer.from(report.subarray(0, report.length - 3));
    truncated.writeUInt32BE(truncated.length, 2);
    const { tags, stats } = decode(truncated);
    expect(tags).toEqual([]);
    expect(stats.malformed).toBe(1);
  });

  it('round-trips the reader-side encoder', () => {
    const tags: TagReport[] = [
      {
        epcHex: EPC,
        antennaId: 4,
        peakRssiDbm: -71,
        impinjPeakRssiCdbm: -7123,
        firstSeenUtcMicros: 1,
        lastSeenUtcMicros: 2 ** 52,
        seenCount: 1,
        channelIndex: 9,
      },
      { epcHex: 'e2801160600002' },
    ];
    expect(decode(encodeRoAccessReport(7, tags), true).tags).toEqual(tags);
  });
});

describe('READER_EVENT_NOTIFICATION decoding', () => {
  it.each([
    // ConnectionAttemptEvent 256 = 0x0100, status 0 (success).
    ['connection accepted', '0100 0006 0000', { kind: 'connectionAttempt', status: 0 }],
    // status 2: Failed (a client-initiated connection already exists).
    ['connection refused', '0100 0006 0002', { kind: 'connectionAttempt', status: 2 }],
    // GPIEvent 248 = 0x00f8: port 3, state high.
    ['GPI high', '00f8 0007 0003 80', { kind: 'gpi', port: 3, state: true }],
    ['GPI low', '00f8 0007 0001 00', { kind: 'gpi', port: 1, state: false }],
    // ReportBufferLevelWarningEvent 250 = 0x00fa: 90 % full.
    ['buffer warning', '00fa 0005 5a', { kind: 'bufferWarning', percentFull: 90 }],
    // ReportBufferOverflowErrorEvent 251 = 0x00fb, no fields.
    ['buffer overflow', '00fb 0004', { kind: 'bufferOverflow' }],
  ])('%s', (_name, eventHex, expected) => {
    const event = hex(eventHex);
    // ReaderEventNotificationData 246 = 0x00f6 with UTCTimestamp 128 (0x0080, length 12) first.
    const data = Buffer.concat([
      hex(`00f6 ${(4 + 12 + event.length).toString(16).padStart(4, '0')}`),
      hex('0080 000c 0006282781655000'),
      event,
    ]);
    const stats = newDecodeStats();
    const decoded = decodeReaderEventNotification(data, stats);
    expect(decoded).toEqual({ timestampUtcMicros: 1_733_000_000_000_000, events: [expected] });
    expect(stats).toEqual({ unknownParams: 0, unknownCustom: 0, malformed: 0 });
    expect(
      decodeReaderEventNotification(
        decodeMessage(encodeReaderEventNotification(1, 1_733_000_000_000_000, [expected as never])).body,
        stats,
      ),
    ).toEqual(decoded);
  });
});

describe('LlrpFramer', () => {
  const a = keepaliveAck(1);
  const b = getReaderCapabilities(2);

  it.each([
    ['one chunk, two messages', [Buffer.concat([a, b])], 2, 0],
    ['split anywhere', [a.subarray(0, 3), Buffer.concat([a.subarray(3), b.subarray(0, 10)]), b.subarray(10)], 2, 0],
    ['garbage before, resync on the next known header', [Buffer.concat([hex('ffee0102'), a, b])], 2, 1],
    ['version 3 is not LLRP', [Buffer.concat([hex('0c48 0000000a 00000001'), a])], 1, 1],
    ['reserved bits set', [Buffer.concat([hex('2448 0000000a 00000001'), a])], 1, 1],
  ])('%s', (_name, chunks, messages, bad) => {
    const framer = new LlrpFramer();
    const out = chunks.flatMap((chunk) => framer.push(chunk));
    expect(out.length).toBe(messages);
    expect(framer.stats.messagesBad).toBe(bad);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('a header claiming more than messageBytesMax is counted as oversize and skipped', () => {
    const framer = new LlrpFramer(1_024);
    const out = framer.push(Buffer.concat([hex('043d 00100000 00000001'), a]));
    expect(out).toEqual([a]);
    expect(framer.stats.oversize).toBe(1);
  });
});

describe('ROSpec and capabilities', () => {
  const plan: RoSpecPlan = {
    rospecId: 0x5357,
    startGpi: { port: 1, onHigh: true, timeoutMs: 0 },
    stopGpi: { port: 2, onHigh: false, timeoutMs: 10_000 },
    antennaIds: [1, 2],
    transmitPowerIndex: 70,
    session: 1,
    tagPopulation: 64,
    impinjSearchMode: 2,
    reportEveryTags: 1,
    impinjPeakRssi: true,
  };

  it('ADD_ROSPEC encodes the ROSpec tree and decodes back to the same plan', () => {
    const message = addRoSpec(11, plan);
    const body = decodeMessage(message).body;
    // ROSpec 177 = 0x00b1; ROSpecID, Priority 0, CurrentState 0 (disabled).
    expect(body.subarray(0, 2).toString('hex')).toBe('00b1');
    expect(body.subarray(4, 10).toString('hex')).toBe('000053570000');
    // GPITriggerValue 181 = 0x00b5: port 1, event high, timeout 0.
    expect(body.includes(hex('00b5 000b 0001 80 00000000'))).toBe(true);
    // AISpec 183 = 0x00b7 with antenna count 2: ports 1 and 2.
    expect(body.includes(hex('0002 0001 0002'))).toBe(true);
    expect(decodeAddRoSpecBody(body, newDecodeStats())).toEqual(plan);
  });

  it('the minimal ROSpec (no GPI, reader defaults, all antennas) round-trips', () => {
    const minimal: RoSpecPlan = {
      ...plan,
      startGpi: null,
      stopGpi: null,
      antennaIds: [0],
      transmitPowerIndex: null,
      session: null,
      tagPopulation: null,
      impinjSearchMode: null,
      impinjPeakRssi: false,
    };
    expect(decodeAddRoSpecBody(decodeMessage(addRoSpec(1, minimal)).body, newDecodeStats())).toEqual(minimal);
  });

  it('capabilities: antennas, GPIOs, maker and power table survive the wire', () => {
    const capabilities = {
      antennaCountMax: 4,
      manufacturer: 25882,
      model: 2001002,
      firmwareVersion: '5.14.0.240',
      gpiCount: 4,
      gpoCount: 4,
      powerTable: [
        { index: 1, powerCdbm: 1000 },
        { index: 2, powerCdbm: 1025 },
        { index: 3, powerCdbm: 3000 },
      ],
    };
    const decoded = decodeCapabilitiesResponse(encodeCapabilitiesResponseBody(capabilities), newDecodeStats());
    expect(decoded).toEqual({ status: { code: 0, description: '' }, capabilities });
  });

  it.each([
    [30, 3],
    [29.99, 2],
    [10.1, 1],
    [5, 1],
  ])('powerDbm %d maps to table index %d (strongest not above, else weakest)', (powerDbm, index) => {
    const table = [
      { index: 1, powerCdbm: 1000 },
      { index: 2, powerCdbm: 1025 },
      { index: 3, powerCdbm: 3000 },
    ];
    expect(powerIndexFor(table, powerDbm)).toBe(index);
  });
});
