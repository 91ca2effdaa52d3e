import { decodeEpc, type EpcDecoding } from './decode.js';

/**
 * Maps tags that carry no GS1 EPC (chip-serial tags, legacy encodings) to a
 * product: a hex prefix names the GTIN, the rest of the EPC becomes the serial.
 */
export interface TagMapEntry {
  /** Upper-case hex prefix of the EPC. */
  prefix: string;
  /** GTIN-14 of the product, check digit included. */
  gtin: string;
  /** Digits of the GS1 Company Prefix inside the GTIN (6-12); needed to write the SGTIN URN. */
  companyPrefixDigits: number;
}

/** GS1 AI 21 serials are at most 20 characters. */
export const MAPPED_SERIAL_CHARACTERS_MAX = 20;

export type EpcResolver = (hex: string) => EpcDecoding;

/**
 * A configured mapping wins over the header: the operator said what these tags
 * are. Longest prefix first, so a specific entry beats a broad one. Tags that
 * neither decode nor map stay raw (`reason: 'unmapped'` when the EPC was valid hex
 * but not GS1). A mapped tag whose remainder exceeds 20 characters stays raw:
 * cutting it would silently merge distinct items.
 */
export function createEpcResolver(tagMap: readonly TagMapEntry[] = []): EpcResolver {
  const entries = [...tagMap]
    .map((entry) => ({ ...entry, prefix: entry.prefix.toUpperCase() }))
    .sort((a, b) => b.prefix.length - a.prefix.length || (a.prefix < b.prefix ? -1 : 1));
  return (hex: string): EpcDecoding => {
    const upper = typeof hex === 'string' ? hex.toUpperCase() : hex;
    for (const entry of entries) {
      if (!upper.startsWith(entry.prefix)) continue;
      const serial = upper.slice(entry.prefix.length) || '0';
      if (serial.length > MAPPED_SERIAL_CHARACTERS_MAX) break;
      const companyPrefix = entry.gtin.slice(1, 1 + entry.companyPrefixDigits);
      const indicatorAndItem = `${entry.gtin.slice(0, 1)}${entry.gtin.slice(1 + entry.companyPrefixDigits, 13)}`;
      return {
        kind: 'mapped',
        urn: `urn:epc:id:sgtin:${companyPrefix}.${indicatorAndItem}.${serial}`,
        gtin: entry.gtin,
        serial,
      };
    }
    return decodeEpc(upper);
  };
}
