import { withCheckDigit } from '../epc/gs1.js';

/**
 * EPC URN ⇄ canonical GS1 Digital Link URI (`https://id.gs1.org/…`), as the CBV 2.0 event hash and the
 * EPCIS 2.0 `GS1-EPC-Format` header need them. Pure string work: the company-prefix length is read from the URN
 * (the dot), so no prefix table is needed.
 */

export const DIGITAL_LINK_ORIGIN = 'https://id.gs1.org';

/** Characters GS1 Digital Link (Table 7-1) wants percent-encoded that EPC URNs leave bare. */
const NEEDS_ENCODING = /[!()*+,:]/;
function encodeForDigitalLink(text: string): string {
  // Most serials are digits: skip the replace (and its callback) when nothing needs encoding.
  if (!NEEDS_ENCODING.test(text)) return text;
  return text.replace(/[!()*+,:]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

type UrnConverter = (parts: string[]) => string | undefined;

/** One converter per EPC scheme; `parts` are the dot-separated fields after `urn:epc:<kind>:<scheme>:`. */
const ID_CONVERTERS: Readonly<Record<string, UrnConverter>> = {
  sgtin: ([prefix, itemReference, serial]) =>
    serial === undefined ? undefined : `/01/${gtin14(prefix!, itemReference!)}/21/${encodeForDigitalLink(serial)}`,
  sscc: ([prefix, serialReference]) =>
    serialReference === undefined
      ? undefined
      : `/00/${withCheckDigit(serialReference.slice(0, 1) + prefix + serialReference.slice(1))}`,
  sgln: ([prefix, locationReference, extension]) => {
    if (extension === undefined) return undefined;
    const gln = withCheckDigit(prefix! + locationReference!);
    return extension === '0' ? `/414/${gln}` : `/414/${gln}/254/${encodeForDigitalLink(extension)}`;
  },
  pgln: ([prefix, partyReference]) => `/417/${withCheckDigit(prefix! + (partyReference ?? ''))}`,
  grai: ([prefix, assetType, serial]) =>
    serial === undefined
      ? undefined
      : `/8003/${withCheckDigit('0' + prefix + assetType)}${encodeForDigitalLink(serial)}`,
  giai: ([prefix, ...asset]) => `/8004/${prefix}${encodeForDigitalLink(asset.join('.'))}`,
  gdti: ([prefix, documentType, serial]) =>
    `/253/${withCheckDigit(prefix! + documentType!)}${encodeForDigitalLink(serial ?? '')}`,
  gsrn: ([prefix, serviceReference]) => `/8018/${withCheckDigit(prefix! + serviceReference!)}`,
};

const CLASS_CONVERTERS: Readonly<Record<string, UrnConverter>> = {
  lgtin: ([prefix, itemReference, ...lot]) =>
    `/01/${gtin14(prefix!, itemReference!)}/10/${encodeForDigitalLink(lot.join('.'))}`,
};

const PATTERN_CONVERTERS: Readonly<Record<string, UrnConverter>> = {
  sgtin: ([prefix, itemReference]) => `/01/${gtin14(prefix!, itemReference!)}`,
};

/** GTIN-14 from a URN's company prefix and item reference (its first digit is the indicator). */
function gtin14(prefix: string, itemReference: string): string {
  // Every EPC of a product repeats the same check-digit sum: remember a few thousand products' GTINs.
  const key = `${prefix}.${itemReference}`;
  const known = GTIN_BY_CLASS.get(key);
  if (known !== undefined) return known;
  const gtin = withCheckDigit(itemReference.slice(0, 1) + prefix + itemReference.slice(1));
  if (GTIN_BY_CLASS.size >= GTIN_CACHE_ENTRIES_MAX) GTIN_BY_CLASS.clear();
  GTIN_BY_CLASS.set(key, gtin);
  return gtin;
}
const GTIN_CACHE_ENTRIES_MAX = 10_000;
const GTIN_BY_CLASS = new Map<string, string>();

const URN_PATTERN = /^urn:epc:(id|class|idpat):([a-z0-9]+):(\d{6,12})\.(.*)$/;
const DIGITAL_LINK_PATTERN = /^https?:\/\/[^/?#]+(\/(?:00|01|253|414|417|8003|8004|8018)\/[^?#]*)(?:[?#].*)?$/;

/**
 * Canonical GS1 Digital Link URI for an EPC URN (id, class or id pattern) or for a Digital Link URI on any
 * domain; `undefined` for anything else (locations as `geo:`, private URIs), which callers keep as they are.
 */
export function toCanonicalDigitalLink(uri: string): string | undefined {
  const urn = URN_PATTERN.exec(uri);
  if (urn) {
    const [, kind, scheme, prefix, rest] = urn;
    const table = kind === 'id' ? ID_CONVERTERS : kind === 'class' ? CLASS_CONVERTERS : PATTERN_CONVERTERS;
    const converter = table[scheme!];
    const path = converter?.([prefix!, ...rest!.split('.')]);
    return path === undefined || path.includes('undefined') ? undefined : DIGITAL_LINK_ORIGIN + path;
  }
  const link = DIGITAL_LINK_PATTERN.exec(uri);
  return link ? DIGITAL_LINK_ORIGIN + link[1] : undefined;
}
