import { withCheckDigit } from '../../../shared/src/epc/gs1.js';

/**
 * GTIN-14 of an SGTIN pure-identity URN (`urn:epc:id:sgtin:<company>.<indicator+item>.<serial>`),
 * or undefined for anything that is not an SGTIN (SSCC pallets, raw tags): those carry no product.
 * A tiny local parser: the shared codec decodes binary EPCs, not URNs.
 */
const SGTIN_URN_PATTERN = /^urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.(.+)$/;

/** GTINs by URN prefix (everything before the serial): item-level traffic repeats a few products. */
const gtinByPrefix = new Map<string, string | undefined>();
const GTIN_CACHE_ENTRIES_MAX = 100_000;

export function gtinOfEpcUrn(urn: string): string | undefined {
  const prefix = urn.slice(0, urn.lastIndexOf('.') + 1);
  if (gtinByPrefix.has(prefix)) return gtinByPrefix.get(prefix);
  const gtin = parseSgtinGtin(urn);
  if (gtin !== undefined && prefix.startsWith('urn:epc:id:sgtin:')) {
    if (gtinByPrefix.size >= GTIN_CACHE_ENTRIES_MAX) gtinByPrefix.clear();
    gtinByPrefix.set(prefix, gtin);
  }
  return gtin;
}

function parseSgtinGtin(urn: string): string | undefined {
  const match = SGTIN_URN_PATTERN.exec(urn);
  if (!match) return undefined;
  const companyPrefix = match[1] ?? '';
  const indicatorAndItem = match[2] ?? '';
  if (companyPrefix.length + indicatorAndItem.length !== 13) return undefined;
  const indicator = indicatorAndItem.slice(0, 1);
  return withCheckDigit(`${indicator}${companyPrefix}${indicatorAndItem.slice(1)}`);
}

/** The inverse, for tests and simulators: an SGTIN URN for a GTIN-14 with a company prefix length. */
export function sgtinUrn(gtin: string, companyPrefixDigits: number, serial: string): string {
  const indicator = gtin.slice(0, 1);
  const companyPrefix = gtin.slice(1, 1 + companyPrefixDigits);
  const itemReference = gtin.slice(1 + companyPrefixDigits, 13);
  return `urn:epc:id:sgtin:${companyPrefix}.${indicator}${itemReference}.${serial}`;
}

/** GTIN-14 of a class-level identifier: SGTIN pattern `urn:epc:idpat:sgtin:<company>.<item>.*`, a GTIN-14, or a GS1 Digital Link `/01/<gtin>`. */
export function gtinOfEpcClass(epcClass: string): string | undefined {
  if (/^\d{14}$/.test(epcClass)) return epcClass;
  const digitalLink = /\/01\/(\d{14})(?:[/?#]|$)/.exec(epcClass);
  if (digitalLink) return digitalLink[1];
  const pattern = /^urn:epc:idpat:sgtin:(\d{6,12})\.(\d{1,7})\.\*$/.exec(epcClass);
  if (!pattern) return undefined;
  return gtinOfEpcUrn(`urn:epc:id:sgtin:${pattern[1]}.${pattern[2]}.0`);
}
