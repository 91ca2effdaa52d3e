import { ParamType } from './constants.js';
import { findParam, forEachParam, readU64, readUtf8v, type DecodeStats } from './codec.js';

/** What a READER_EVENT_NOTIFICATION says, one entry per event parameter the client uses. */
export type ReaderEvent =
  | { kind: 'connectionAttempt'; status: number }
  | { kind: 'connectionClose' }
  | { kind: 'gpi'; port: number; state: boolean }
  | { kind: 'bufferWarning'; percentFull: number }
  | { kind: 'bufferOverflow' }
  | { kind: 'rospec'; eventType: number; rospecId: number }
  | { kind: 'antenna'; connected: boolean; antennaId: number }
  | { kind: 'readerException'; message: string };

export interface ReaderEventNotification {
  /** UTCTimestamp of the notification, µs since 1970 (absent when the reader sends Uptime). */
  timestampUtcMicros?: number;
  events: ReaderEvent[];
}

/** Decodes a READER_EVENT_NOTIFICATION body; unknown events are counted and skipped. */
export function decodeReaderEventNotification(body: Buffer, stats: DecodeStats): ReaderEventNotification {
  const result: ReaderEventNotification = { events: [] };
  const data = findParam(body, 0, body.length, ParamType.ReaderEventNotificationData, stats);
  if (!data) {
    stats.malformed++;
    return result;
  }
  forEachParam(body, data.valueStart, data.end, stats, (cursor) => {
    const at = cursor.valueStart;
    const size = cursor.end - at;
    if (cursor.isTv) {
      stats.unknownParams++;
      return;
    }
    const event = decodeEvent(body, cursor.type, at, size, cursor.end);
    if (event === 'timestamp') result.timestampUtcMicros = readU64(body, at);
    else if (event === 'ignore') return;
    else if (event) result.events.push(event);
    else if (event === null) {
      if (cursor.type === ParamType.Custom) stats.unknownCustom++;
      else stats.unknownParams++;
    } else stats.malformed++;
  });
  return result;
}

/** One event parameter; 'timestamp' for UTCTimestamp, 'ignore' for Uptime, null when unknown, undefined when too short. */
function decodeEvent(
  body: Buffer,
  type: number,
  at: number,
  size: number,
  end: number,
): ReaderEvent | 'timestamp' | 'ignore' | null | undefined {
  switch (type) {
    case ParamType.UTCTimestamp:
      return size >= 8 ? 'timestamp' : undefined;
    case ParamType.ConnectionAttemptEvent:
      return size >= 2 ? { kind: 'connectionAttempt', status: body.readUInt16BE(at) } : undefined;
    case ParamType.ConnectionCloseEvent:
      return { kind: 'connectionClose' };
    case ParamType.GPIEvent:
      return size >= 3 ? { kind: 'gpi', port: body.readUInt16BE(at), state: (body[at + 2] ?? 0) >= 0x80 } : undefined;
    case ParamType.ReportBufferLevelWarningEvent:
      return size >= 1 ? { kind: 'bufferWarning', percentFull: body[at] ?? 0 } : undefined;
    case ParamType.ReportBufferOverflowErrorEvent:
      return { kind: 'bufferOverflow' };
    case ParamType.ROSpecEvent:
      return size >= 5 ? { kind: 'rospec', eventType: body[at] ?? 0, rospecId: body.readUInt32BE(at + 1) } : undefined;
    case ParamType.AntennaEvent:
      return size >= 3
        ? { kind: 'antenna', connected: body[at] === 1, antennaId: body.readUInt16BE(at + 1) }
        : undefined;
    case ParamType.ReaderExceptionEvent:
      return { kind: 'readerException', message: readUtf8v(body, at, end)?.text ?? '' };
    case ParamType.Uptime:
      return 'ignore';
    default:
      return null;
  }
}
