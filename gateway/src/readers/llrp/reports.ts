import { Impinj, ParamType, TvType, VENDOR_IMPINJ } from './constants.js';
import { customHeader, newCursor, readParam, readU64, type DecodeStats, type ParamCursor } from './codec.js';

/**
 * RO_ACCESS_REPORT → tag reports, in the reader's units (µs, dBm, dBm×100); the driver turns
 * them into the raw-read contract. Fields absent from the message stay undefined.
 */
export interface TagReport {
  /** EPC as lower-case hex, as on the wire (the driver and `llrp decode` upper-case it for the raw-read contract). */
  epcHex: string;
  antennaId?: number;
  peakRssiDbm?: number;
  /** Impinj extension: peak RSSI in dBm×100 (finer than PeakRSSI's whole dBm). */
  impinjPeakRssiCdbm?: number;
  firstSeenUtcMicros?: number;
  lastSeenUtcMicros?: number;
  seenCount?: number;
  channelIndex?: number;
}

export interface ReportDecodeOptions {
  /** Read Impinj custom parameters (ImpinjPeakRSSI); otherwise they are skipped as unknown. */
  impinjExtensions: boolean;
}

/**
 * Decodes every TagReportData in an RO_ACCESS_REPORT body, calling `onTag` per tag. Unknown
 * parameters are skipped by length and counted; a malformed TagReportData is dropped and counted.
 */
export function decodeRoAccessReport(
  body: Buffer,
  options: ReportDecodeOptions,
  stats: DecodeStats,
  onTag: (report: TagReport) => void,
): void {
  const cursor = newCursor();
  const inner = newCursor();
  for (let offset = 0; offset < body.length; offset = cursor.end) {
    if (!readParam(body, offset, body.length, cursor)) {
      stats.malformed++;
      return;
    }
    if (cursor.isTv || cursor.type !== ParamType.TagReportData) {
      if (cursor.type === ParamType.Custom && !cursor.isTv) stats.unknownCustom++;
      else stats.unknownParams++;
      continue;
    }
    const report = decodeTagReportData(body, cursor, inner, options, stats);
    if (report) onTag(report);
  }
}

function decodeTagReportData(
  body: Buffer,
  outer: ParamCursor,
  cursor: ParamCursor,
  options: ReportDecodeOptions,
  stats: DecodeStats,
): TagReport | null {
  const report: TagReport = { epcHex: '' };
  for (let offset = outer.valueStart; offset < outer.end; offset = cursor.end) {
    if (!readParam(body, offset, outer.end, cursor)) {
      stats.malformed++;
      break;
    }
    if (cursor.isTv) readTvField(body, cursor, report);
    else if (cursor.type === ParamType.EPCData) {
      const bits = cursor.end - cursor.valueStart >= 2 ? body.readUInt16BE(cursor.valueStart) : -1;
      const bytes = Math.ceil(bits / 8);
      if (bits < 0 || cursor.valueStart + 2 + bytes > cursor.end) {
        stats.malformed++;
        return null;
      }
      report.epcHex = body.toString('hex', cursor.valueStart + 2, cursor.valueStart + 2 + bytes);
    } else if (cursor.type === ParamType.Custom) readCustomField(body, cursor, report, options, stats);
    else stats.unknownParams++;
  }
  if (report.epcHex === '') {
    stats.malformed++;
    return null;
  }
  return report;
}

function readTvField(body: Buffer, cursor: ParamCursor, report: TagReport): void {
  const at = cursor.valueStart;
  switch (cursor.type) {
    case TvType.EPC_96:
      report.epcHex = body.toString('hex', at, at + 12);
      break;
    case TvType.AntennaID:
      report.antennaId = body.readUInt16BE(at);
      break;
    case TvType.PeakRSSI:
      report.peakRssiDbm = body.readInt8(at);
      break;
    case TvType.FirstSeenTimestampUTC:
      report.firstSeenUtcMicros = readU64(body, at);
      break;
    case TvType.LastSeenTimestampUTC:
      report.lastSeenUtcMicros = readU64(body, at);
      break;
    case TvType.TagSeenCount:
      report.seenCount = body.readUInt16BE(at);
      break;
    case TvType.ChannelIndex:
      report.channelIndex = body.readUInt16BE(at);
      break;
    default:
      // ROSpecID, SpecIndex, PC, CRC, uptime stamps…: known sizes, not needed for a raw read.
      break;
  }
}

function readCustomField(
  body: Buffer,
  cursor: ParamCursor,
  report: TagReport,
  options: ReportDecodeOptions,
  stats: DecodeStats,
): void {
  const header = customHeader(body, cursor);
  if (
    options.impinjExtensions &&
    header?.vendor === VENDOR_IMPINJ &&
    header.subtype === Impinj.PARAM_PEAK_RSSI &&
    cursor.end - cursor.valueStart >= 10
  ) {
    report.impinjPeakRssiCdbm = body.readInt16BE(cursor.valueStart + 8);
    return;
  }
  stats.unknownCustom++;
}
