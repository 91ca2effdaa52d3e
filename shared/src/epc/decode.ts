import { StockwireError, makeError } from '../errors.js';
import { EpcErrors, type EpcErrorCode } from './errors.js';
import { escapeUrnComponent, isGs1Charset82, withCheckDigit } from './gs1.js';
import {
  GIAI96_PARTITIONS,
  GRAI_PARTITIONS,
  HEADERS,
  SCHEME_BITS,
  SGLN_PARTITIONS,
  SGTIN_PARTITIONS,
  SSCC_PARTITIONS,
  type EpcScheme,
  type PartitionRow,
} from './tables.js';

/** A GS1 EPC decoded per the Tag Data Standard. */
export interface Gs1Epc {
  kind: 'gs1';
  scheme: EpcScheme;
  /** Filter value (0-7): tells item / case / pallet apart for the reader; not part of the identity. */
  filter: number;
  /** Pure-identity URN, e.g. `urn:epc:id:sgtin:0614141.812345.6789`. */
  urn: string;
  /** EPC tag URI (with filter), e.g. `urn:epc:tag:sgtin-96:3.0614141.812345.6789`. */
  tagUri: string;
  companyPrefix: string;
  /** SGTIN: GTIN-14 with check digit. */
  gtin?: string;
  /** SSCC: SSCC-18 with check digit. */
  sscc?: string;
  /** SGLN: GLN-13 with check digit. */
  gln?: string;
  /** SGTIN / GRAI serial, SGLN extension, GIAI asset reference as they appear in the URN (unescaped). */
  serial?: string;
}

/** A tag mapped to a product through the configured tag map (non-GS1 encodings). */
export interface MappedEpc {
  kind: 'mapped';
  urn: string;
  gtin: string;
  serial: string;
}

/** A tag we cannot (or were not asked to) interpret: kept as `urn:epc:raw:<bits>.x<HEX>`. */
export interface RawEpc {
  kind: 'raw';
  urn: string;
  /** Why it stayed raw: an SW_EPC_* code, or `unmapped`. */
  reason: EpcErrorCode | 'unmapped';
}

export type EpcDecoding = Gs1Epc | MappedEpc | RawEpc;

const HEX_PATTERN = /^[0-9A-Fa-f]{4,124}$/;

/** TDS raw URN (hex form): `urn:epc:raw:96.x3074257BF7194E4000001A85`. */
export function rawEpcUrn(hex: string): string {
  return `urn:epc:raw:${hex.length * 4}.x${hex.toUpperCase()}`;
}

/**
 * Decodes an EPC; never throws. Anything that is not a well-formed GS1 EPC of a
 * scheme we know becomes a raw URN carrying the reason, so one odd tag never
 * stops a pass. Use `decodeEpcStrict` when the caller wants the error.
 */
export function decodeEpc(hex: string): Gs1Epc | RawEpc {
  if (typeof hex !== 'string' || !HEX_PATTERN.test(hex))
    return { kind: 'raw', urn: rawEpcUrn(safeHex(hex)), reason: 'SW_EPC_NOT_HEX' };
  try {
    return decodeEpcStrict(hex);
  } catch (error) {
    if (error instanceof StockwireError)
      return { kind: 'raw', urn: rawEpcUrn(hex), reason: error.code as EpcErrorCode };
    throw error;
  }
}

function safeHex(value: unknown): string {
  // Keeps the raw URN well-formed even for garbage: non-hex input is reduced to its hex digits.
  const digits = typeof value === 'string' ? value.replace(/[^0-9A-Fa-f]/g, '').slice(0, 124) : '';
  return digits.length > 0 ? digits : '0';
}

/** Decodes an EPC or throws a coded StockwireError (SW_EPC_*). */
export function decodeEpcStrict(hex: string): Gs1Epc {
  if (typeof hex !== 'string' || !HEX_PATTERN.test(hex))
    throw makeError(EpcErrors.NOT_HEX, { epc: String(hex).slice(0, 40) });
  const header = Number.parseInt(hex.slice(0, 2), 16);
  const scheme = HEADERS[header];
  if (scheme === undefined) throw makeError(EpcErrors.UNKNOWN_HEADER, { header: hex.slice(0, 2).toUpperCase() });
  const haveBits = hex.length * 4;
  const needBits = SCHEME_BITS[scheme];
  if (haveBits < needBits) throw makeError(EpcErrors.BAD_LENGTH, { scheme, needBits, haveBits });
  const bits = new BitReader(BigInt(`0x${hex}`), haveBits);
  const filter = Number(bits.read(8, 3));
  const partition = Number(bits.read(11, 3));
  switch (scheme) {
    case 'sgtin-96':
    case 'sgtin-198':
      return decodeSgtin(scheme, bits, filter, partition);
    case 'sscc-96':
      return decodeSscc(bits, filter, partition);
    case 'sgln-96':
      return decodeSgln(bits, filter, partition);
    case 'grai-96':
      return decodeGrai(bits, filter, partition);
    case 'giai-96':
      return decodeGiai(bits, filter, partition);
  }
}

class BitReader {
  constructor(
    private readonly value: bigint,
    private readonly totalBits: number,
  ) {}

  /** `length` bits starting `offset` bits from the most significant end. */
  read(offset: number, length: number): bigint {
    const shift = BigInt(this.totalBits - offset - length);
    return (this.value >> shift) & ((1n << BigInt(length)) - 1n);
  }
}

function partitionRow(scheme: EpcScheme, table: readonly PartitionRow[], partition: number): PartitionRow {
  const row = table[partition];
  if (row === undefined) throw makeError(EpcErrors.BAD_PARTITION, { scheme, partition });
  return row;
}

/** Zero-padded decimal of a field, checked against its digit width. */
function digitsField(scheme: EpcScheme, field: string, value: bigint, digits: number): string {
  const text = value.toString();
  if (digits === 0) {
    if (value !== 0n) throw makeError(EpcErrors.FIELD_RANGE, { scheme, field, value: text, digits });
    return '';
  }
  if (text.length > digits) throw makeError(EpcErrors.FIELD_RANGE, { scheme, field, value: text, digits });
  return text.padStart(digits, '0');
}

/** Company prefix and its partner field, which share the bits after the partition. */
function splitKey(scheme: EpcScheme, bits: BitReader, row: PartitionRow, otherField: string): [string, string] {
  const companyPrefix = digitsField(
    scheme,
    'companyPrefix',
    bits.read(14, row.companyPrefixBits),
    row.companyPrefixDigits,
  );
  const other = digitsField(scheme, otherField, bits.read(14 + row.companyPrefixBits, row.otherBits), row.otherDigits);
  return [companyPrefix, other];
}

function decodeSgtin(scheme: 'sgtin-96' | 'sgtin-198', bits: BitReader, filter: number, partition: number): Gs1Epc {
  const row = partitionRow(scheme, SGTIN_PARTITIONS, partition);
  const [companyPrefix, indicatorAndItem] = splitKey(scheme, bits, row, 'itemReference');
  const serial = scheme === 'sgtin-96' ? bits.read(58, 38).toString() : readAlphanumeric(scheme, bits, 58, 20);
  const gtin = withCheckDigit(`${indicatorAndItem.slice(0, 1)}${companyPrefix}${indicatorAndItem.slice(1)}`);
  const escapedSerial = escapeUrnComponent(serial);
  return {
    kind: 'gs1',
    scheme,
    filter,
    companyPrefix,
    urn: `urn:epc:id:sgtin:${companyPrefix}.${indicatorAndItem}.${escapedSerial}`,
    tagUri: `urn:epc:tag:${scheme}:${filter}.${companyPrefix}.${indicatorAndItem}.${escapedSerial}`,
    gtin,
    serial,
  };
}

/** TDS 14.3.2: 7-bit characters, terminated by the first all-zero character; the rest must be zero. */
function readAlphanumeric(scheme: EpcScheme, bits: BitReader, offset: number, charactersMax: number): string {
  let text = '';
  let ended = false;
  for (let index = 0; index < charactersMax; index++) {
    const code = Number(bits.read(offset + index * 7, 7));
    if (code === 0) {
      ended = true;
      continue;
    }
    const character = String.fromCharCode(code);
    if (ended || !isGs1Charset82(character)) throw makeError(EpcErrors.BAD_SERIAL, { scheme, charCode: code });
    text += character;
  }
  return text;
}

/** SSCC-96 ends in 24 reserved bits (TDS 14.5.2; TDT's pattern ends in 24 literal zeros). */
const SSCC_RESERVED_OFFSET_BITS = 72;
const SSCC_RESERVED_BITS = 24;

function decodeSscc(bits: BitReader, filter: number, partition: number): Gs1Epc {
  const scheme = 'sscc-96';
  // Non-zero reserved bits: not an SSCC-96 by the standard's grammar, so it stays raw rather than
  // being read as a pallet that the tag's writer never meant.
  const reserved = bits.read(SSCC_RESERVED_OFFSET_BITS, SSCC_RESERVED_BITS);
  if (reserved !== 0n)
    throw makeError(EpcErrors.RESERVED_BITS, {
      scheme,
      first: SSCC_RESERVED_OFFSET_BITS,
      last: SSCC_RESERVED_OFFSET_BITS + SSCC_RESERVED_BITS - 1,
      value: `0x${reserved.toString(16).toUpperCase()}`,
    });
  const row = partitionRow(scheme, SSCC_PARTITIONS, partition);
  const [companyPrefix, extensionAndSerial] = splitKey(scheme, bits, row, 'serialReference');
  const sscc = withCheckDigit(`${extensionAndSerial.slice(0, 1)}${companyPrefix}${extensionAndSerial.slice(1)}`);
  return {
    kind: 'gs1',
    scheme,
    filter,
    companyPrefix,
    urn: `urn:epc:id:sscc:${companyPrefix}.${extensionAndSerial}`,
    tagUri: `urn:epc:tag:${scheme}:${filter}.${companyPrefix}.${extensionAndSerial}`,
    sscc,
  };
}

function decodeSgln(bits: BitReader, filter: number, partition: number): Gs1Epc {
  const scheme = 'sgln-96';
  const row = partitionRow(scheme, SGLN_PARTITIONS, partition);
  const [companyPrefix, locationReference] = splitKey(scheme, bits, row, 'locationReference');
  const extension = bits.read(55, 41).toString();
  return {
    kind: 'gs1',
    scheme,
    filter,
    companyPrefix,
    urn: `urn:epc:id:sgln:${companyPrefix}.${locationReference}.${extension}`,
    tagUri: `urn:epc:tag:${scheme}:${filter}.${companyPrefix}.${locationReference}.${extension}`,
    gln: withCheckDigit(`${companyPrefix}${locationReference}`),
    serial: extension,
  };
}

function decodeGrai(bits: BitReader, filter: number, partition: number): Gs1Epc {
  const scheme = 'grai-96';
  const row = partitionRow(scheme, GRAI_PARTITIONS, partition);
  const [companyPrefix, assetType] = splitKey(scheme, bits, row, 'assetType');
  const serial = bits.read(58, 38).toString();
  return {
    kind: 'gs1',
    scheme,
    filter,
    companyPrefix,
    urn: `urn:epc:id:grai:${companyPrefix}.${assetType}.${serial}`,
    tagUri: `urn:epc:tag:${scheme}:${filter}.${companyPrefix}.${assetType}.${serial}`,
    serial,
  };
}

function decodeGiai(bits: BitReader, filter: number, partition: number): Gs1Epc {
  const scheme = 'giai-96';
  const row = partitionRow(scheme, GIAI96_PARTITIONS, partition);
  const companyPrefix = digitsField(
    scheme,
    'companyPrefix',
    bits.read(14, row.companyPrefixBits),
    row.companyPrefixDigits,
  );
  // GIAI-96 holds the asset reference as an integer: no leading zeros in the URN.
  const assetReference = bits.read(14 + row.companyPrefixBits, row.otherBits).toString();
  return {
    kind: 'gs1',
    scheme,
    filter,
    companyPrefix,
    urn: `urn:epc:id:giai:${companyPrefix}.${assetReference}`,
    tagUri: `urn:epc:tag:${scheme}:${filter}.${companyPrefix}.${assetReference}`,
    serial: assetReference,
  };
}
