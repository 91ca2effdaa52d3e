/**
 * EPC Tag Data Standard (TDS 2.x) headers and partition tables for the schemes
 * stockwire decodes. A partition row gives the bit and digit widths of the GS1
 * Company Prefix and of the field that shares the bits with it.
 */
export type EpcScheme = 'sgtin-96' | 'sgtin-198' | 'sscc-96' | 'sgln-96' | 'grai-96' | 'giai-96';

export interface PartitionRow {
  companyPrefixBits: number;
  companyPrefixDigits: number;
  otherBits: number;
  otherDigits: number;
}

function rows(
  companyPrefixBits: readonly number[],
  otherBits: readonly number[],
  otherDigits: readonly number[],
): readonly PartitionRow[] {
  return companyPrefixBits.map((bits, partition) => ({
    companyPrefixBits: bits,
    companyPrefixDigits: 12 - partition,
    otherBits: otherBits[partition] ?? 0,
    otherDigits: otherDigits[partition] ?? 0,
  }));
}

const COMPANY_PREFIX_BITS = [40, 37, 34, 30, 27, 24, 20] as const;

/** TDS Table 14-2: SGTIN (other = indicator digit + item reference). */
export const SGTIN_PARTITIONS = rows(COMPANY_PREFIX_BITS, [4, 7, 10, 14, 17, 20, 24], [1, 2, 3, 4, 5, 6, 7]);
/** TDS Table 14-5: SSCC (other = extension digit + serial reference). */
export const SSCC_PARTITIONS = rows(COMPANY_PREFIX_BITS, [18, 21, 24, 28, 31, 34, 38], [5, 6, 7, 8, 9, 10, 11]);
/** TDS Table 14-8: SGLN (other = location reference). */
export const SGLN_PARTITIONS = rows(COMPANY_PREFIX_BITS, [1, 4, 7, 11, 14, 17, 21], [0, 1, 2, 3, 4, 5, 6]);
/** TDS Table 14-11: GRAI (other = asset type). */
export const GRAI_PARTITIONS = rows(COMPANY_PREFIX_BITS, [4, 7, 10, 14, 17, 20, 24], [0, 1, 2, 3, 4, 5, 6]);
/** TDS Table 14-14: GIAI-96 (other = individual asset reference, an integer). */
export const GIAI96_PARTITIONS = rows(COMPANY_PREFIX_BITS, [42, 45, 48, 52, 55, 58, 62], [13, 14, 15, 16, 17, 18, 19]);

/** 8-bit EPC headers (TDS Table 14-1). */
export const HEADERS: Readonly<Record<number, EpcScheme>> = {
  0x30: 'sgtin-96',
  0x31: 'sscc-96',
  0x32: 'sgln-96',
  0x33: 'grai-96',
  0x34: 'giai-96',
  0x36: 'sgtin-198',
};

/** Bits each scheme occupies (the tag may hold more: word padding). */
export const SCHEME_BITS: Readonly<Record<EpcScheme, number>> = {
  'sgtin-96': 96,
  'sgtin-198': 198,
  'sscc-96': 96,
  'sgln-96': 96,
  'grai-96': 96,
  'giai-96': 96,
};
