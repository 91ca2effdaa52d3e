import { raise } from '../../shared/src/errors.js';
import { SimulatorErrors } from './errors.js';

/**
 * Encoders for the two EPC schemes the simulators generate (GS1 EPC Tag Data
 * Standard: SGTIN-96 for trade items and cases, SSCC-96 for pallets). Only the
 * encoding direction lives here: the gateway decodes with shared/src/epc/.
 */

/** Partition table shared by SGTIN-96 and SSCC-96: index = partition value, by company prefix digits 12 − p. */
const COMPANY_PREFIX_BITS = [40, 37, 34, 30, 27, 24, 20] as const;
const SGTIN_ITEM_REFERENCE_BITS = [4, 7, 10, 14, 17, 20, 24] as const;
const SSCC_SERIAL_REFERENCE_BITS = [18, 21, 24, 28, 31, 34, 38] as const;
const SGTIN_SERIAL_BITS = 38;
const SGTIN96_HEADER = 0x30n;
const SSCC96_HEADER = 0x31n;

export interface EncodedEpc {
  /** 24 upper-case hex digits (96 bits). */
  hex: string;
  /** Pure-identity URN, e.g. `urn:epc:id:sgtin:0614141.812345.6789`. */
  uri: string;
}

export function gs1CheckDigit(digitsWithoutCheck: string): number {
  let sum = 0;
  // GS1 weights alternate 3,1,3… starting from the rightmost digit.
  for (let index = 0; index < digitsWithoutCheck.length; index++) {
    const digit = Number(digitsWithoutCheck[digitsWithoutCheck.length - 1 - index]);
    sum += index % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin14(gtin: string): boolean {
  return /^\d{14}$/.test(gtin) && gs1CheckDigit(gtin.slice(0, 13)) === Number(gtin[13]);
}

function partitionFor(companyPrefixLength: number): number {
  if (!Number.isInteger(companyPrefixLength) || companyPrefixLength < 6 || companyPrefixLength > 12) {
    return raise(SimulatorErrors.BAD_COMPANY_PREFIX, { length: companyPrefixLength });
  }
  return 12 - companyPrefixLength;
}

function toHex96(value: bigint): string {
  return value.toString(16).toUpperCase().padStart(24, '0');
}

export interface SgtinInput {
  gtin: string;
  companyPrefixLength: number;
  serial: number;
  filter?: number;
}

export function encodeSgtin96({ gtin, companyPrefixLength, serial, filter = 1 }: SgtinInput): EncodedEpc {
  if (!isValidGtin14(gtin)) return raise(SimulatorErrors.BAD_GTIN, { gtin });
  const partition = partitionFor(companyPrefixLength);
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 2 ** SGTIN_SERIAL_BITS) {
    return raise(SimulatorErrors.SERIAL_OVERFLOW, { serial, bits: SGTIN_SERIAL_BITS, scheme: 'SGTIN-96' });
  }
  const companyPrefix = gtin.slice(1, 1 + companyPrefixLength);
  // The EPC item reference carries the GTIN's indicator digit in front.
  const itemReference = gtin[0] + gtin.slice(1 + companyPrefixLength, 13);
  const itemBits = BigInt(SGTIN_ITEM_REFERENCE_BITS[partition] ?? 0);
  let value = SGTIN96_HEADER;
  value = (value << 3n) | BigInt(filter & 7);
  value = (value << 3n) | BigInt(partition);
  value = (value << BigInt(COMPANY_PREFIX_BITS[partition] ?? 0)) | BigInt(companyPrefix);
  value = (value << itemBits) | BigInt(itemReference);
  value = (value << BigInt(SGTIN_SERIAL_BITS)) | BigInt(serial);
  return { hex: toHex96(value), uri: `urn:epc:id:sgtin:${companyPrefix}.${itemReference}.${serial}` };
}

export interface SsccInput {
  /** GS1 company prefix digits (6..12). */
  companyPrefix: string;
  extensionDigit: number;
  serial: number;
  filter?: number;
}

export function encodeSscc96({ companyPrefix, extensionDigit, serial, filter = 0 }: SsccInput): EncodedEpc {
  const partition = partitionFor(/^\d+$/.test(companyPrefix) ? companyPrefix.length : -1);
  const serialDigits = 16 - companyPrefix.length;
  if (!Number.isSafeInteger(serial) || serial < 0 || String(serial).length > serialDigits) {
    return raise(SimulatorErrors.SERIAL_OVERFLOW, { serial, bits: serialDigits, scheme: 'SSCC-96 (digits)' });
  }
  const serialReference = `${extensionDigit}${String(serial).padStart(serialDigits, '0')}`;
  let value = SSCC96_HEADER;
  value = (value << 3n) | BigInt(filter & 7);
  value = (value << 3n) | BigInt(partition);
  value = (value << BigInt(COMPANY_PREFIX_BITS[partition] ?? 0)) | BigInt(companyPrefix);
  value = (value << BigInt(SSCC_SERIAL_REFERENCE_BITS[partition] ?? 0)) | BigInt(serialReference);
  value <<= 24n; // 24 unallocated bits, zero per TDS.
  return { hex: toHex96(value), uri: `urn:epc:id:sscc:${companyPrefix}.${serialReference}` };
}
