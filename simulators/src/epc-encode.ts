import { raise } from '../../shared/src/errors.js';
import {
  encodeSgtin96 as encodeSgtin96Fields,
  encodeSscc96 as encodeSscc96Fields,
  gs1CheckDigit,
  hasValidCheckDigit,
} from '../../shared/src/epc/index.js';
import { SimulatorErrors } from './errors.js';

/**
 * Thin adapter over the shared EPC codec (shared/src/epc/) for the simulators:
 * scenarios name trade items by GTIN-14 and pallets by extension digit + serial
 * number, and want both the hex and the pure-identity URN back. Bit packing and
 * the GS1 check digit live in the shared codec only; this file maps the
 * simulator's inputs onto it and keeps the SW_SIM_* codes scenario authors see.
 */

export { gs1CheckDigit };

const SGTIN_SERIAL_BITS = 38;

export interface EncodedEpc {
  /** 24 upper-case hex digits (96 bits). */
  hex: string;
  /** Pure-identity URN, e.g. `urn:epc:id:sgtin:0614141.812345.6789`. */
  uri: string;
}

export function isValidGtin14(gtin: string): boolean {
  return /^\d{14}$/.test(gtin) && hasValidCheckDigit(gtin);
}

function assertCompanyPrefixLength(companyPrefixLength: number): void {
  if (!Number.isInteger(companyPrefixLength) || companyPrefixLength < 6 || companyPrefixLength > 12) {
    raise(SimulatorErrors.BAD_COMPANY_PREFIX, { length: companyPrefixLength });
  }
}

export interface SgtinInput {
  gtin: string;
  companyPrefixLength: number;
  serial: number;
  filter?: number;
}

export function encodeSgtin96({ gtin, companyPrefixLength, serial, filter = 1 }: SgtinInput): EncodedEpc {
  if (!isValidGtin14(gtin)) return raise(SimulatorErrors.BAD_GTIN, { gtin });
  assertCompanyPrefixLength(companyPrefixLength);
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 2 ** SGTIN_SERIAL_BITS) {
    return raise(SimulatorErrors.SERIAL_OVERFLOW, { serial, bits: SGTIN_SERIAL_BITS, scheme: 'SGTIN-96' });
  }
  const companyPrefix = gtin.slice(1, 1 + companyPrefixLength);
  // The EPC item reference carries the GTIN's indicator digit in front.
  const itemReference = gtin[0] + gtin.slice(1 + companyPrefixLength, 13);
  // The simulators have always kept only the filter's low three bits (the scenario schema allows 0..7 anyway).
  const hex = encodeSgtin96Fields({
    filter: filter & 7,
    companyPrefix,
    indicatorAndItemReference: itemReference,
    serial,
  });
  return { hex, uri: `urn:epc:id:sgtin:${companyPrefix}.${itemReference}.${serial}` };
}

export interface SsccInput {
  /** GS1 company prefix digits (6..12). */
  companyPrefix: string;
  extensionDigit: number;
  serial: number;
  filter?: number;
}

export function encodeSscc96({ companyPrefix, extensionDigit, serial, filter = 0 }: SsccInput): EncodedEpc {
  assertCompanyPrefixLength(/^\d+$/.test(companyPrefix) ? companyPrefix.length : -1);
  const serialDigits = 16 - companyPrefix.length;
  if (!Number.isSafeInteger(serial) || serial < 0 || String(serial).length > serialDigits) {
    return raise(SimulatorErrors.SERIAL_OVERFLOW, { serial, bits: serialDigits, scheme: 'SSCC-96 (digits)' });
  }
  const serialReference = `${extensionDigit}${String(serial).padStart(serialDigits, '0')}`;
  const hex = encodeSscc96Fields({ filter: filter & 7, companyPrefix, extensionAndSerialReference: serialReference });
  return { hex, uri: `urn:epc:id:sscc:${companyPrefix}.${serialReference}` };
}
