import { ParamType } from './constants.js';
import {
  forEachParam,
  llrpStatus,
  readStatus,
  readUtf8v,
  s16,
  tlv,
  u16,
  u32,
  utf8v,
  type DecodeStats,
} from './codec.js';

/**
 * GET_READER_CAPABILITIES_RESPONSE, the parts a client needs: how many antennas, the transmit
 * power table (LLRP addresses power by table index, the value is dBm×100), GPIs, and who made it.
 */
export interface PowerLevel {
  index: number;
  /** TransmitPowerValue: dBm × 100. */
  powerCdbm: number;
}

export interface ReaderCapabilities {
  antennaCountMax: number;
  /** IANA enterprise number of the maker (Impinj 25882, Zebra 161). */
  manufacturer: number;
  model: number;
  firmwareVersion: string;
  gpiCount: number;
  gpoCount: number;
  powerTable: PowerLevel[];
}

/** Reader power tables have ~80–100 entries; a bound keeps a hostile response from growing memory. */
const POWER_LEVELS_MAX = 1_000;

export function decodeCapabilitiesResponse(
  body: Buffer,
  stats: DecodeStats,
): { status: { code: number; description: string } | null; capabilities: ReaderCapabilities } {
  const capabilities: ReaderCapabilities = {
    antennaCountMax: 0,
    manufacturer: 0,
    model: 0,
    firmwareVersion: '',
    gpiCount: 0,
    gpoCount: 0,
    powerTable: [],
  };
  const visit = (start: number, end: number): void =>
    forEachParam(body, start, end, stats, (cursor) => {
      if (cursor.isTv) return;
      const at = cursor.valueStart;
      const size = cursor.end - at;
      if (cursor.type === ParamType.GeneralDeviceCapabilities && size >= 14) {
        capabilities.antennaCountMax = body.readUInt16BE(at);
        capabilities.manufacturer = body.readUInt32BE(at + 4);
        capabilities.model = body.readUInt32BE(at + 8);
        const firmware = readUtf8v(body, at + 12, cursor.end);
        capabilities.firmwareVersion = firmware?.text ?? '';
        if (firmware) visit(firmware.end, cursor.end);
      } else if (cursor.type === ParamType.GPIOCapabilities && size >= 4) {
        capabilities.gpiCount = body.readUInt16BE(at);
        capabilities.gpoCount = body.readUInt16BE(at + 2);
      } else if (cursor.type === ParamType.RegulatoryCapabilities && size >= 4) visit(at + 4, cursor.end);
      else if (cursor.type === ParamType.UHFBandCapabilities) visit(at, cursor.end);
      else if (cursor.type === ParamType.TransmitPowerLevelTableEntry && size >= 4) {
        if (capabilities.powerTable.length < POWER_LEVELS_MAX)
          capabilities.powerTable.push({ index: body.readUInt16BE(at), powerCdbm: body.readInt16BE(at + 2) });
      }
    });
  visit(0, body.length);
  return { status: readStatus(body), capabilities };
}

/**
 * The table index for a wanted power: the strongest level not above it (never exceed what the
 * site survey allowed), or the weakest level when all are above. null for an empty table.
 */
export function powerIndexFor(table: readonly PowerLevel[], powerDbm: number): number | null {
  const wantedCdbm = Math.round(powerDbm * 100);
  let best: PowerLevel | null = null;
  let weakest: PowerLevel | null = null;
  for (const level of table) {
    if (!weakest || level.powerCdbm < weakest.powerCdbm) weakest = level;
    if (level.powerCdbm <= wantedCdbm && (!best || level.powerCdbm > best.powerCdbm)) best = level;
  }
  return (best ?? weakest)?.index ?? null;
}

/** The reader end: a capabilities response (simulator, tests). */
export function encodeCapabilitiesResponseBody(capabilities: ReaderCapabilities): Buffer {
  const general = tlv(
    ParamType.GeneralDeviceCapabilities,
    u16(capabilities.antennaCountMax),
    u16(0xc000), // CanSetAntennaProperties, HasUTCClockCapability
    u32(capabilities.manufacturer),
    u32(capabilities.model),
    utf8v(capabilities.firmwareVersion),
    tlv(ParamType.GPIOCapabilities, u16(capabilities.gpiCount), u16(capabilities.gpoCount)),
  );
  const band = tlv(
    ParamType.UHFBandCapabilities,
    ...capabilities.powerTable.map((level) =>
      tlv(ParamType.TransmitPowerLevelTableEntry, u16(level.index), s16(level.powerCdbm)),
    ),
  );
  // Country code 840 (US), communications standard 1 (US FCC part 15).
  const regulatory = tlv(ParamType.RegulatoryCapabilities, u16(840), u16(1), band);
  return Buffer.concat([llrpStatus(), general, regulatory]);
}
