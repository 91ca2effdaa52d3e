import { raise } from '../errors.js';
import { EpcErrors } from './errors.js';
import { SGTIN_PARTITIONS, SSCC_PARTITIONS, type PartitionRow } from './tables.js';

/**
 * Encoders for the two schemes simulators, tests and benchmarks need to mint
 * (SGTIN-96 for items and cases, SSCC-96 for pallets). Inputs are the URN
 * components; bad input throws SW_EPC_BAD_INPUT.
 */
export interface Sgtin96Fields {
  filter: number;
  companyPrefix: string;
  /** Indicator digit followed by the item reference: 13 − companyPrefix.length digits. */
  indicatorAndItemReference: string;
  serial: bigint | number;
}

export interface Sscc96Fields {
  filter: number;
  companyPrefix: string;
  /** Extension digit followed by the serial reference: 17 − companyPrefix.length digits. */
  extensionAndSerialReference: string;
}

export function encodeSgtin96(fields: Sgtin96Fields): string {
  const scheme = 'sgtin-96';
  const row = rowFor(scheme, SGTIN_PARTITIONS, fields.companyPrefix, fields.indicatorAndItemReference, 13);
  const serial = BigInt(fields.serial);
  if (serial < 0n || serial >= 1n << 38n)
    raise(EpcErrors.BAD_INPUT, { scheme, reason: 'serial must be an integer below 2^38' });
  let value = 0x30n;
  value = (value << 3n) | filterBits(scheme, fields.filter);
  value = (value << 3n) | BigInt(row.partition);
  value = (value << BigInt(row.companyPrefixBits)) | BigInt(fields.companyPrefix);
  value = (value << BigInt(row.otherBits)) | BigInt(fields.indicatorAndItemReference);
  value = (value << 38n) | serial;
  return value.toString(16).toUpperCase().padStart(24, '0');
}

export function encodeSscc96(fields: Sscc96Fields): string {
  const scheme = 'sscc-96';
  const row = rowFor(scheme, SSCC_PARTITIONS, fields.companyPrefix, fields.extensionAndSerialReference, 17);
  let value = 0x31n;
  value = (value << 3n) | filterBits(scheme, fields.filter);
  value = (value << 3n) | BigInt(row.partition);
  value = (value << BigInt(row.companyPrefixBits)) | BigInt(fields.companyPrefix);
  value = (value << BigInt(row.otherBits)) | BigInt(fields.extensionAndSerialReference);
  value <<= 24n; // unallocated bits, zero
  return value.toString(16).toUpperCase().padStart(24, '0');
}

function filterBits(scheme: string, filter: number): bigint {
  if (!Number.isInteger(filter) || filter < 0 || filter > 7)
    raise(EpcErrors.BAD_INPUT, { scheme, reason: 'filter must be 0-7' });
  return BigInt(filter);
}

function rowFor(
  scheme: string,
  table: readonly PartitionRow[],
  companyPrefix: string,
  other: string,
  totalDigits: number,
): PartitionRow & { partition: number } {
  if (!/^\d{6,12}$/.test(companyPrefix))
    raise(EpcErrors.BAD_INPUT, { scheme, reason: 'companyPrefix must be 6-12 digits' });
  const partition = 12 - companyPrefix.length;
  const row = table[partition];
  if (row === undefined || other.length + companyPrefix.length !== totalDigits || !/^\d+$/.test(other)) {
    raise(EpcErrors.BAD_INPUT, { scheme, reason: `company prefix and reference must total ${totalDigits} digits` });
  }
  return { ...row, partition };
}
