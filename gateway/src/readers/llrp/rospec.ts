import { Impinj, PROTOCOL_C1G2, ParamType, VENDOR_IMPINJ } from './constants.js';
import { custom, customHeader, forEachParam, tlv, u16, u32, u8, type DecodeStats, type ParamCursor } from './codec.js';

/**
 * The one ROSpec this client runs, as plain data: built from the reader config (ADD_ROSPEC)
 * and decoded back by the simulator and `llrp decode`, so both ends agree on one shape.
 */
export interface GpiTrigger {
  port: number;
  /** true: fires when the input goes high (beam broken); false: when it goes low. */
  onHigh: boolean;
  /** Stop trigger: end the ROSpec this long after it started if the GPI never fires (0 = never). */
  timeoutMs: number;
}

export interface RoSpecPlan {
  rospecId: number;
  /** null: the ROSpec runs on START_ROSPEC (start trigger Null); a GPI: it runs when the input fires. */
  startGpi: GpiTrigger | null;
  /** null: runs until STOP/DISABLE (stop trigger Null). */
  stopGpi: GpiTrigger | null;
  /** Antenna ports; [0] = every antenna the reader has. */
  antennaIds: number[];
  /** Index into the reader's transmit power table (from GET_READER_CAPABILITIES); null = reader default. */
  transmitPowerIndex: number | null;
  /** C1G2 session 0–3; null = reader default. */
  session: number | null;
  /** Expected tag population (sizes the Q algorithm); null = reader default. */
  tagPopulation: number | null;
  /** Impinj inventory search mode (1 single target, 2 dual target, 3 single target with suppression); null = none. */
  impinjSearchMode: number | null;
  /** ROReportTrigger 2: a report after every N tags (0 = only at the end of the ROSpec or on GET_REPORT). */
  reportEveryTags: number;
  /** Ask Impinj readers for ImpinjPeakRSSI (dBm×100) in every tag report. */
  impinjPeakRssi: boolean;
}

/** TagReportContentSelector: AntennaID, ChannelIndex, PeakRSSI, First/LastSeenTimestamp, TagSeenCount. */
export const TAG_REPORT_CONTENT_FLAGS = 0x1f80;
const START_NULL = 0;
const START_GPI = 3;
const STOP_NULL = 0;
const STOP_GPI_WITH_TIMEOUT = 2;
/** ROReportTrigger 2: upon N TagReportData parameters or end of ROSpec. */
const REPORT_UPON_N_OR_END_OF_ROSPEC = 2;

function gpiTriggerValue(trigger: GpiTrigger): Buffer {
  return tlv(ParamType.GPITriggerValue, u16(trigger.port), u8(trigger.onHigh ? 0x80 : 0), u32(trigger.timeoutMs));
}

function antennaConfiguration(antennaId: number, plan: RoSpecPlan): Buffer {
  const parts: Buffer[] = [u16(antennaId)];
  // HopTableID 1 and ChannelIndex 1 are the first table/channel every reader has; only power matters here.
  if (plan.transmitPowerIndex !== null)
    parts.push(tlv(ParamType.RFTransmitter, u16(1), u16(1), u16(plan.transmitPowerIndex)));
  const inventory: Buffer[] = [u8(0)];
  if (plan.session !== null || plan.tagPopulation !== null)
    inventory.push(
      tlv(ParamType.C1G2SingulationControl, u8((plan.session ?? 0) << 6), u16(plan.tagPopulation ?? 32), u32(0)),
    );
  if (plan.impinjSearchMode !== null)
    inventory.push(custom(VENDOR_IMPINJ, Impinj.PARAM_INVENTORY_SEARCH_MODE, u16(plan.impinjSearchMode)));
  if (inventory.length > 1) parts.push(tlv(ParamType.C1G2InventoryCommand, ...inventory));
  return tlv(ParamType.AntennaConfiguration, ...parts);
}

/** The ADD_ROSPEC message body: one ROSpec, one AISpec, one C1G2 InventoryParameterSpec. */
export function encodeAddRoSpecBody(plan: RoSpecPlan): Buffer {
  const start = plan.startGpi
    ? tlv(ParamType.ROSpecStartTrigger, u8(START_GPI), gpiTriggerValue(plan.startGpi))
    : tlv(ParamType.ROSpecStartTrigger, u8(START_NULL));
  const stop = plan.stopGpi
    ? tlv(ParamType.ROSpecStopTrigger, u8(STOP_GPI_WITH_TIMEOUT), u32(0), gpiTriggerValue(plan.stopGpi))
    : tlv(ParamType.ROSpecStopTrigger, u8(STOP_NULL), u32(0));
  const configured = plan.transmitPowerIndex !== null || plan.session !== null || plan.impinjSearchMode !== null;
  const inventory = tlv(
    ParamType.InventoryParameterSpec,
    u16(1),
    u8(PROTOCOL_C1G2),
    ...(configured ? plan.antennaIds.map((antennaId) => antennaConfiguration(antennaId, plan)) : []),
  );
  const aiSpec = tlv(
    ParamType.AISpec,
    u16(plan.antennaIds.length),
    ...plan.antennaIds.map((antennaId) => u16(antennaId)),
    tlv(ParamType.AISpecStopTrigger, u8(0), u32(0)),
    inventory,
  );
  const reportSpec = tlv(
    ParamType.ROReportSpec,
    u8(REPORT_UPON_N_OR_END_OF_ROSPEC),
    u16(plan.reportEveryTags),
    tlv(ParamType.TagReportContentSelector, u16(TAG_REPORT_CONTENT_FLAGS)),
    ...(plan.impinjPeakRssi
      ? [
          custom(
            VENDOR_IMPINJ,
            Impinj.PARAM_TAG_REPORT_CONTENT_SELECTOR,
            custom(VENDOR_IMPINJ, Impinj.PARAM_ENABLE_PEAK_RSSI, u16(1)),
          ),
        ]
      : []),
  );
  const boundary = tlv(ParamType.ROBoundarySpec, start, stop);
  return tlv(ParamType.ROSpec, u32(plan.rospecId), u8(0), u8(0), boundary, aiSpec, reportSpec);
}

function decodeGpiTrigger(body: Buffer, cursor: ParamCursor): GpiTrigger | null {
  if (cursor.end - cursor.valueStart < 7) return null;
  return {
    port: body.readUInt16BE(cursor.valueStart),
    onHigh: (body[cursor.valueStart + 2] ?? 0) >= 0x80,
    timeoutMs: body.readUInt32BE(cursor.valueStart + 3),
  };
}

/** Walks nested parameters depth-first, calling `visit` for each TLV (the ROSpec tree is small). */
function walk(body: Buffer, start: number, end: number, stats: DecodeStats, visit: (cursor: ParamCursor) => void) {
  forEachParam(body, start, end, stats, (cursor) => {
    if (cursor.isTv) return;
    const copy = { ...cursor };
    visit(copy);
    const fieldsBytes = FIXED_FIELD_BYTES[copy.type];
    if (fieldsBytes !== undefined) walk(body, copy.valueStart + fieldsBytes(body, copy), copy.end, stats, visit);
  });
}

/** Bytes of fixed fields before the sub-parameters, for the container parameters of a ROSpec. */
const FIXED_FIELD_BYTES: Record<number, (body: Buffer, cursor: ParamCursor) => number> = {
  [ParamType.ROSpec]: () => 6,
  [ParamType.ROBoundarySpec]: () => 0,
  [ParamType.ROSpecStartTrigger]: () => 1,
  [ParamType.ROSpecStopTrigger]: () => 5,
  [ParamType.AISpec]: (body, cursor) => 2 + 2 * body.readUInt16BE(cursor.valueStart),
  [ParamType.InventoryParameterSpec]: () => 3,
  [ParamType.AntennaConfiguration]: () => 2,
  [ParamType.C1G2InventoryCommand]: () => 1,
  [ParamType.ROReportSpec]: () => 3,
};

/** Decodes the first ROSpec of an ADD_ROSPEC body; null when there is none or it is malformed. */
export function decodeAddRoSpecBody(body: Buffer, stats: DecodeStats): RoSpecPlan | null {
  const plan: RoSpecPlan = {
    rospecId: 0,
    startGpi: null,
    stopGpi: null,
    antennaIds: [],
    transmitPowerIndex: null,
    session: null,
    tagPopulation: null,
    impinjSearchMode: null,
    reportEveryTags: 0,
    impinjPeakRssi: false,
  };
  let found = false;
  let parent = 0;
  try {
    walk(body, 0, body.length, stats, (cursor) => {
      const at = cursor.valueStart;
      if (cursor.type === ParamType.ROSpec && !found) {
        found = true;
        plan.rospecId = body.readUInt32BE(at);
      } else if (cursor.type === ParamType.ROSpecStartTrigger || cursor.type === ParamType.ROSpecStopTrigger) {
        parent = cursor.type;
      } else if (cursor.type === ParamType.GPITriggerValue) {
        if (parent === ParamType.ROSpecStartTrigger) plan.startGpi = decodeGpiTrigger(body, cursor);
        else plan.stopGpi = decodeGpiTrigger(body, cursor);
      } else if (cursor.type === ParamType.AISpec) {
        const count = body.readUInt16BE(at);
        for (let index = 0; index < count; index++) plan.antennaIds.push(body.readUInt16BE(at + 2 + 2 * index));
      } else if (cursor.type === ParamType.RFTransmitter) plan.transmitPowerIndex = body.readUInt16BE(at + 4);
      else if (cursor.type === ParamType.C1G2SingulationControl) {
        plan.session = (body[at] ?? 0) >> 6;
        plan.tagPopulation = body.readUInt16BE(at + 1);
      } else if (cursor.type === ParamType.ROReportSpec) plan.reportEveryTags = body.readUInt16BE(at + 1);
      else if (cursor.type === ParamType.Custom) decodeCustomInRoSpec(body, cursor, plan, stats);
    });
  } catch {
    // A field read past its parameter (RangeError): the ROSpec is malformed.
    stats.malformed++;
    return null;
  }
  return found ? plan : null;
}

function decodeCustomInRoSpec(body: Buffer, cursor: ParamCursor, plan: RoSpecPlan, stats: DecodeStats): void {
  const header = customHeader(body, cursor);
  if (header?.vendor !== VENDOR_IMPINJ) {
    stats.unknownCustom++;
    return;
  }
  const dataAt = cursor.valueStart + 8;
  if (header.subtype === Impinj.PARAM_INVENTORY_SEARCH_MODE) plan.impinjSearchMode = body.readUInt16BE(dataAt);
  else if (header.subtype === Impinj.PARAM_TAG_REPORT_CONTENT_SELECTOR)
    forEachParam(body, dataAt, cursor.end, stats, (inner) => {
      const innerHeader = customHeader(body, inner);
      if (innerHeader?.subtype === Impinj.PARAM_ENABLE_PEAK_RSSI)
        plan.impinjPeakRssi = body.readUInt16BE(inner.valueStart + 8) === 1;
    });
  else stats.unknownCustom++;
}
