import { Impinj, MessageType, ParamType, TvType, VENDOR_IMPINJ } from './constants.js';
import { custom, encodeMessage, llrpStatus, s16, tlv, tv, u16, u32, u64, u8, utf8v } from './codec.js';
import type { ReaderEvent } from './events.js';
import type { TagReport } from './reports.js';

/**
 * The reader end of the protocol: what an Impinj or Zebra sends. The simulator speaks with these,
 * and the codec tests and the bench build their byte sequences with them.
 */
export function encodeTagReportData(report: TagReport): Buffer {
  const epc = Buffer.from(report.epcHex, 'hex');
  const parts: Buffer[] = [
    // EPC-96 travels as the compact TV form; any other length needs EPCData (bit count + bits).
    epc.length === 12 ? tv(TvType.EPC_96, epc) : tlv(ParamType.EPCData, u16(epc.length * 8), epc),
  ];
  if (report.antennaId !== undefined) parts.push(tv(TvType.AntennaID, u16(report.antennaId)));
  if (report.peakRssiDbm !== undefined) parts.push(tv(TvType.PeakRSSI, Buffer.from([report.peakRssiDbm & 0xff])));
  if (report.channelIndex !== undefined) parts.push(tv(TvType.ChannelIndex, u16(report.channelIndex)));
  if (report.firstSeenUtcMicros !== undefined)
    parts.push(tv(TvType.FirstSeenTimestampUTC, u64(report.firstSeenUtcMicros)));
  if (report.lastSeenUtcMicros !== undefined)
    parts.push(tv(TvType.LastSeenTimestampUTC, u64(report.lastSeenUtcMicros)));
  if (report.seenCount !== undefined) parts.push(tv(TvType.TagSeenCount, u16(report.seenCount)));
  if (report.impinjPeakRssiCdbm !== undefined)
    parts.push(custom(VENDOR_IMPINJ, Impinj.PARAM_PEAK_RSSI, s16(report.impinjPeakRssiCdbm)));
  return tlv(ParamType.TagReportData, ...parts);
}

export function encodeRoAccessReport(messageId: number, reports: readonly TagReport[], extra: Buffer[] = []): Buffer {
  return encodeMessage(
    MessageType.RO_ACCESS_REPORT,
    messageId,
    Buffer.concat([...reports.map(encodeTagReportData), ...extra]),
  );
}

function encodeEvent(event: ReaderEvent): Buffer {
  switch (event.kind) {
    case 'connectionAttempt':
      return tlv(ParamType.ConnectionAttemptEvent, u16(event.status));
    case 'connectionClose':
      return tlv(ParamType.ConnectionCloseEvent);
    case 'gpi':
      return tlv(ParamType.GPIEvent, u16(event.port), u8(event.state ? 0x80 : 0));
    case 'bufferWarning':
      return tlv(ParamType.ReportBufferLevelWarningEvent, u8(event.percentFull));
    case 'bufferOverflow':
      return tlv(ParamType.ReportBufferOverflowErrorEvent);
    case 'rospec':
      return tlv(ParamType.ROSpecEvent, u8(event.eventType), u32(event.rospecId), u32(0));
    case 'antenna':
      return tlv(ParamType.AntennaEvent, u8(event.connected ? 1 : 0), u16(event.antennaId));
    case 'readerException':
      return tlv(ParamType.ReaderExceptionEvent, utf8v(event.message));
  }
}

export function encodeReaderEventNotification(
  messageId: number,
  timestampUtcMicros: number,
  events: readonly ReaderEvent[],
  extra: Buffer[] = [],
): Buffer {
  const data = tlv(
    ParamType.ReaderEventNotificationData,
    tlv(ParamType.UTCTimestamp, u64(timestampUtcMicros)),
    ...events.map(encodeEvent),
    ...extra,
  );
  return encodeMessage(MessageType.READER_EVENT_NOTIFICATION, messageId, data);
}

/** A *_RESPONSE whose body is only its LLRPStatus. */
export function encodeStatusResponse(type: number, messageId: number, code = 0, description = ''): Buffer {
  return encodeMessage(type, messageId, llrpStatus(code, description));
}

export function encodeKeepalive(messageId: number): Buffer {
  return encodeMessage(MessageType.KEEPALIVE, messageId);
}

/** IMPINJ_ENABLE_EXTENSIONS_RESPONSE: CUSTOM_MESSAGE vendor 25882, subtype 22, LLRPStatus. */
export function encodeImpinjEnableExtensionsResponse(messageId: number): Buffer {
  return encodeMessage(
    MessageType.CUSTOM_MESSAGE,
    messageId,
    Buffer.concat([u32(VENDOR_IMPINJ), u8(Impinj.MESSAGE_ENABLE_EXTENSIONS_RESPONSE), llrpStatus()]),
  );
}
