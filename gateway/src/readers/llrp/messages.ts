import { Impinj, MessageType, ParamType, REQUESTED_DATA_ALL, ReaderEventType, VENDOR_IMPINJ } from './constants.js';
import { encodeMessage, tlv, u16, u32, u8 } from './codec.js';
import { encodeAddRoSpecBody, type RoSpecPlan } from './rospec.js';

/**
 * Client → reader messages, one builder each. Message ids are the caller's (the session
 * numbers them so responses, which echo the id, can be matched).
 */
export function getReaderCapabilities(messageId: number): Buffer {
  return encodeMessage(MessageType.GET_READER_CAPABILITIES, messageId, u8(REQUESTED_DATA_ALL));
}

export interface ReaderConfigPlan {
  resetToFactoryDefault: boolean;
  /** KeepaliveSpec periodic trigger; 0 disables reader keepalives (not recommended). */
  keepaliveMs: number;
}

/** Events the client asks for: GPI changes, ROSpec start/stop, buffer fill warnings, exceptions, antennas. */
const NOTIFIED_EVENTS = [
  ReaderEventType.GPIEvent,
  ReaderEventType.ROSpecEvent,
  ReaderEventType.ReportBufferFillWarning,
  ReaderEventType.ReaderExceptionEvent,
  ReaderEventType.AntennaEvent,
];

export function setReaderConfig(messageId: number, plan: ReaderConfigPlan): Buffer {
  const notifications = tlv(
    ParamType.ReaderEventNotificationSpec,
    ...NOTIFIED_EVENTS.map((eventType) => tlv(ParamType.EventNotificationState, u16(eventType), u8(0x80))),
  );
  const keepalive = tlv(ParamType.KeepaliveSpec, u8(plan.keepaliveMs > 0 ? 1 : 0), u32(plan.keepaliveMs));
  // HoldEventsAndReportsUponReconnect = 0: a reconnecting client gets reports at once.
  const eventsAndReports = tlv(ParamType.EventsAndReports, u8(0));
  return encodeMessage(
    MessageType.SET_READER_CONFIG,
    messageId,
    Buffer.concat([u8(plan.resetToFactoryDefault ? 0x80 : 0), notifications, keepalive, eventsAndReports]),
  );
}

/** ROSpecID 0 = all ROSpecs (DELETE/ENABLE/DISABLE/START/STOP all take one u32 id). */
export function rospecCommand(
  type:
    | typeof MessageType.DELETE_ROSPEC
    | typeof MessageType.ENABLE_ROSPEC
    | typeof MessageType.DISABLE_ROSPEC
    | typeof MessageType.START_ROSPEC
    | typeof MessageType.STOP_ROSPEC,
  messageId: number,
  rospecId: number,
): Buffer {
  return encodeMessage(type, messageId, u32(rospecId));
}

export function addRoSpec(messageId: number, plan: RoSpecPlan): Buffer {
  return encodeMessage(MessageType.ADD_ROSPEC, messageId, encodeAddRoSpecBody(plan));
}

export function keepaliveAck(messageId: number): Buffer {
  return encodeMessage(MessageType.KEEPALIVE_ACK, messageId);
}

export function getReport(messageId: number): Buffer {
  return encodeMessage(MessageType.GET_REPORT, messageId);
}

export function closeConnection(messageId: number): Buffer {
  return encodeMessage(MessageType.CLOSE_CONNECTION, messageId);
}

/** IMPINJ_ENABLE_EXTENSIONS: CUSTOM_MESSAGE vendor 25882, subtype 21, a reserved u32. */
export function impinjEnableExtensions(messageId: number): Buffer {
  return encodeMessage(
    MessageType.CUSTOM_MESSAGE,
    messageId,
    Buffer.concat([u32(VENDOR_IMPINJ), u8(Impinj.MESSAGE_ENABLE_EXTENSIONS), u32(0)]),
  );
}
