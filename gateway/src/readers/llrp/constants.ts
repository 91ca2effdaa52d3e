/**
 * Numbers fixed by the EPCglobal LLRP 1.0.1 / 1.1 binary encoding (and the two vendors' custom
 * extensions we use). Names follow the standard so a capture, Wireshark and this file agree.
 */
export const LLRP_PORT_DEFAULT = 5084;
/** Header: 3 reserved bits · 3-bit version · 10-bit type · u32 length (whole message) · u32 message id. */
export const LLRP_HEADER_BYTES = 10;
/** Version field: 1 = LLRP 1.0.1, 2 = LLRP 1.1. */
export const LLRP_VERSIONS = [1, 2] as const;

export const MessageType = {
  GET_READER_CAPABILITIES: 1,
  GET_READER_CONFIG: 2,
  SET_READER_CONFIG: 3,
  CLOSE_CONNECTION_RESPONSE: 4,
  GET_READER_CAPABILITIES_RESPONSE: 11,
  GET_READER_CONFIG_RESPONSE: 12,
  SET_READER_CONFIG_RESPONSE: 13,
  CLOSE_CONNECTION: 14,
  ADD_ROSPEC: 20,
  DELETE_ROSPEC: 21,
  START_ROSPEC: 22,
  STOP_ROSPEC: 23,
  ENABLE_ROSPEC: 24,
  DISABLE_ROSPEC: 25,
  GET_ROSPECS: 26,
  ADD_ROSPEC_RESPONSE: 30,
  DELETE_ROSPEC_RESPONSE: 31,
  START_ROSPEC_RESPONSE: 32,
  STOP_ROSPEC_RESPONSE: 33,
  ENABLE_ROSPEC_RESPONSE: 34,
  DISABLE_ROSPEC_RESPONSE: 35,
  GET_ROSPECS_RESPONSE: 36,
  GET_REPORT: 60,
  RO_ACCESS_REPORT: 61,
  KEEPALIVE: 62,
  READER_EVENT_NOTIFICATION: 63,
  ENABLE_EVENTS_AND_REPORTS: 64,
  KEEPALIVE_ACK: 72,
  ERROR_MESSAGE: 100,
  CUSTOM_MESSAGE: 1023,
} as const;
export type MessageName = keyof typeof MessageType;

const messageNames = new Map<number, MessageName>(
  Object.entries(MessageType).map(([name, type]) => [type, name as MessageName]),
);
export function messageNameOf(type: number): string {
  return messageNames.get(type) ?? `UNKNOWN_${type}`;
}

/** TLV parameter types (128–2047) this client reads or writes. */
export const ParamType = {
  UTCTimestamp: 128,
  Uptime: 129,
  GeneralDeviceCapabilities: 137,
  GPIOCapabilities: 141,
  LLRPCapabilities: 142,
  RegulatoryCapabilities: 143,
  UHFBandCapabilities: 144,
  TransmitPowerLevelTableEntry: 145,
  ROSpec: 177,
  ROBoundarySpec: 178,
  ROSpecStartTrigger: 179,
  PeriodicTriggerValue: 180,
  GPITriggerValue: 181,
  ROSpecStopTrigger: 182,
  AISpec: 183,
  AISpecStopTrigger: 184,
  InventoryParameterSpec: 186,
  KeepaliveSpec: 220,
  AntennaConfiguration: 222,
  RFReceiver: 223,
  RFTransmitter: 224,
  EventsAndReports: 226,
  ROReportSpec: 237,
  TagReportContentSelector: 238,
  TagReportData: 240,
  EPCData: 241,
  ReaderEventNotificationSpec: 244,
  EventNotificationState: 245,
  ReaderEventNotificationData: 246,
  GPIEvent: 248,
  ROSpecEvent: 249,
  ReportBufferLevelWarningEvent: 250,
  ReportBufferOverflowErrorEvent: 251,
  ReaderExceptionEvent: 252,
  AntennaEvent: 255,
  ConnectionAttemptEvent: 256,
  ConnectionCloseEvent: 257,
  LLRPStatus: 287,
  C1G2InventoryCommand: 330,
  C1G2SingulationControl: 336,
  C1G2EPCMemorySelector: 348,
  Custom: 1023,
} as const;

/** TV parameter types (1–127) and the size of their value in bytes (the type byte not included). */
export const TvType = {
  AntennaID: 1,
  FirstSeenTimestampUTC: 2,
  FirstSeenTimestampUptime: 3,
  LastSeenTimestampUTC: 4,
  LastSeenTimestampUptime: 5,
  PeakRSSI: 6,
  ChannelIndex: 7,
  TagSeenCount: 8,
  ROSpecID: 9,
  InventoryParameterSpecID: 10,
  C1G2_CRC: 11,
  C1G2_PC: 12,
  EPC_96: 13,
  SpecIndex: 14,
  ClientRequestOpSpecResult: 15,
  AccessSpecID: 16,
  OpSpecID: 17,
  C1G2SingulationDetails: 18,
  C1G2XPCW1: 19,
  C1G2XPCW2: 20,
} as const;

/**
 * Value sizes indexed by TV type; 0 = unknown. A TV parameter has no length field, so an
 * unknown TV type cannot be skipped: the rest of its enclosing parameter is given up (counted).
 */
export const TV_VALUE_BYTES: readonly number[] = (() => {
  const sizes = new Array<number>(128).fill(0);
  const known: Array<[number, number]> = [
    [1, 2],
    [2, 8],
    [3, 8],
    [4, 8],
    [5, 8],
    [6, 1],
    [7, 2],
    [8, 2],
    [9, 4],
    [10, 2],
    [11, 2],
    [12, 2],
    [13, 12],
    [14, 2],
    [15, 2],
    [16, 4],
    [17, 2],
    [18, 4],
    [19, 2],
    [20, 2],
  ];
  for (const [type, bytes] of known) sizes[type] = bytes;
  return sizes;
})();

/** IANA private enterprise numbers used as LLRP vendor identifiers. */
export const VENDOR_IMPINJ = 25882;
export const VENDOR_ZEBRA = 161;

/** Impinj Octane LLRP extension numbers (CUSTOM_MESSAGE subtypes and Custom parameter subtypes). */
export const Impinj = {
  MESSAGE_ENABLE_EXTENSIONS: 21,
  MESSAGE_ENABLE_EXTENSIONS_RESPONSE: 22,
  PARAM_INVENTORY_SEARCH_MODE: 23,
  PARAM_TAG_REPORT_CONTENT_SELECTOR: 50,
  PARAM_ENABLE_PEAK_RSSI: 53,
  PARAM_PEAK_RSSI: 57,
} as const;

/** ConnectionAttemptEvent.Status. */
export const ConnectionAttemptStatus = {
  Success: 0,
  FailedReaderInitiatedConnectionExists: 1,
  FailedClientInitiatedConnectionExists: 2,
  FailedReasonOther: 3,
  AnotherConnectionAttempted: 4,
} as const;

/** EventNotificationState.EventType values the client switches on. */
export const ReaderEventType = {
  GPIEvent: 1,
  ROSpecEvent: 2,
  ReportBufferFillWarning: 3,
  ReaderExceptionEvent: 4,
  AntennaEvent: 8,
} as const;

/** LLRPStatus.StatusCode 0 = M_Success; everything else is an error the reader explains. */
export const STATUS_SUCCESS = 0;
/** GET_READER_CAPABILITIES RequestedData: 0 = all. */
export const REQUESTED_DATA_ALL = 0;
/** InventoryParameterSpec.ProtocolID: 1 = EPCGlobal Class 1 Gen 2. */
export const PROTOCOL_C1G2 = 1;
