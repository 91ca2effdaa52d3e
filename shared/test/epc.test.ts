import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpcUrnSchema } from '../src/contracts/epcis.js';
import { StockwireError } from '../src/errors.js';
import {
  createEpcResolver,
  decodeEpc,
  decodeEpcStrict,
  encodeSgtin96,
  encodeSscc96,
  gs1CheckDigit,
  hasValidCheckDigit,
  rawEpcUrn,
} from '../src/epc/index.js';

// Worked examples of the GS1 EPC Tag Data Standard (TDS 1.x/2.x annex E and the
// scheme chapters), as reproduced by the Fosstrak/TDT test suites; plus the
// partition-6 SGTIN from the issue, checked by hand against TDS Table 14-2.
const VECTORS = [
  {
    hex: '3074257BF7194E4000001A85',
    urn: 'urn:epc:id:sgtin:0614141.812345.6789',
    tagUri: 'urn:epc:tag:sgtin-96:3.0614141.812345.6789',
    gtin: '80614141123458',
  },
  {
    hex: '3039606303C74380001A0559',
    urn: 'urn:epc:id:sgtin:360844.0990478.1705305',
    tagUri: 'urn:epc:tag:sgtin-96:1.360844.0990478.1705305',
    gtin: '03608449904780',
  },
  {
    hex: '3674257BF6B7A659B2C2BF100000000000000000000000000000',
    urn: 'urn:epc:id:sgtin:0614141.712345.32a%2Fb',
    tagUri: 'urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb',
    gtin: '70614141123451',
  },
  {
    hex: '3674257BF6B7A659B2C2BF1000000000000000000000000000',
    urn: 'urn:epc:id:sgtin:0614141.712345.32a%2Fb',
    tagUri: 'urn:epc:tag:sgtin-198:3.0614141.712345.32a%2Fb',
    gtin: '70614141123451',
  },
  {
    hex: '3174257BF4499602D2000000',
    urn: 'urn:epc:id:sscc:0614141.1234567890',
    tagUri: 'urn:epc:tag:sscc-96:3.0614141.1234567890',
    sscc: '106141412345678908',
  },
  {
    hex: '3274257BF46072000000162E',
    urn: 'urn:epc:id:sgln:0614141.12345.5678',
    tagUri: 'urn:epc:tag:sgln-96:3.0614141.12345.5678',
    gln: '0614141123452',
  },
  {
    hex: '3374257BF40C0E400000162E',
    urn: 'urn:epc:id:grai:0614141.12345.5678',
    tagUri: 'urn:epc:tag:grai-96:3.0614141.12345.5678',
  },
  {
    hex: '3474257BF40000000000162E',
    urn: 'urn:epc:id:giai:0614141.5678',
    tagUri: 'urn:epc:tag:giai-96:3.0614141.5678',
  },
  {
    hex: '3414257BF400000000BC6038',
    urn: 'urn:epc:id:giai:0614141.12345400',
    tagUri: 'urn:epc:tag:giai-96:0.0614141.12345400',
  },
  {
    hex: '3400393243F1640000000001',
    urn: 'urn:epc:id:giai:061414112345.1',
    tagUri: 'urn:epc:tag:giai-96:0.061414112345.1',
  },
] as const;

describe('EPC decoding (TDS vectors)', () => {
  it.each(VECTORS)('$hex → $urn', (vector) => {
    const decoded = decodeEpcStrict(vector.hex);
    expect(decoded.urn).toBe(vector.urn);
    expect(decoded.tagUri).toBe(vector.tagUri);
    if ('gtin' in vector) expect(decoded.gtin).toBe(vector.gtin);
    if ('sscc' in vector) expect(decoded.sscc).toBe(vector.sscc);
    if ('gln' in vector) expect(decoded.gln).toBe(vector.gln);
    expect(EpcUrnSchema.safeParse(decoded.urn).success).toBe(true);
  });

  it('accepts lower-case hex', () => {
    expect(decodeEpc('3074257bf7194e4000001a85').urn).toBe('urn:epc:id:sgtin:0614141.812345.6789');
  });

  it('decodes the SGTIN-198 serial characters per TDS (7-bit, GS1 set)', () => {
    expect(decodeEpcStrict('3674257BF6B7A659B2C2BF100000000000000000000000000000').serial).toBe('32a/b');
  });
});

describe('EPC raw fallback and strict errors', () => {
  it.each([
    ['E2003412B802011712345678', 'SW_EPC_UNKNOWN_HEADER', 'urn:epc:raw:96.xE2003412B802011712345678'],
    ['3074257BF7194E40', 'SW_EPC_BAD_LENGTH', 'urn:epc:raw:64.x3074257BF7194E40'],
    // partition 7 is reserved
    ['307C257BF7194E4000001A85', 'SW_EPC_BAD_PARTITION', 'urn:epc:raw:96.x307C257BF7194E4000001A85'],
    // company prefix 0xFFFFFFFFFF > 12 digits at partition 0
    ['3003FFFFFFFFFC0000000001', 'SW_EPC_FIELD_RANGE', 'urn:epc:raw:96.x3003FFFFFFFFFC0000000001'],
    ['not hex at all', 'SW_EPC_NOT_HEX', 'urn:epc:raw:12.xEAA'],
    // the TDS SSCC-96 example with its 24 reserved bits not zero (last bit, first bit, all)
    ['3174257BF4499602D2000001', 'SW_EPC_RESERVED_BITS', 'urn:epc:raw:96.x3174257BF4499602D2000001'],
    ['3174257BF4499602D2800000', 'SW_EPC_RESERVED_BITS', 'urn:epc:raw:96.x3174257BF4499602D2800000'],
    ['3174257BF4499602D2FFFFFF', 'SW_EPC_RESERVED_BITS', 'urn:epc:raw:96.x3174257BF4499602D2FFFFFF'],
  ])('%s stays raw (%s)', (hex, code, urn) => {
    const decoded = decodeEpc(hex);
    expect(decoded).toEqual({ kind: 'raw', urn, reason: code });
    expect(EpcUrnSchema.safeParse(decoded.urn).success).toBe(true);
    let thrown: unknown;
    try {
      decodeEpcStrict(hex);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StockwireError);
    expect((thrown as StockwireError).code).toBe(code);
  });

  it('rejects an SGTIN-198 serial with characters after the terminator', () => {
    // "32a/b", a zero character, then "A" (0x41): not a valid encoding.
    const hex = `3674257BF6B7A659B2C2BF1${'0'.repeat(2)}41${'0'.repeat(25)}`.slice(0, 52);
    expect(decodeEpc(hex).kind).toBe('raw');
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (text) => {
        const decoded = decodeEpc(text);
        expect(EpcUrnSchema.safeParse(decoded.urn).success).toBe(true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 62 }), (bytes) => {
        const hex = Buffer.from(bytes).toString('hex').toUpperCase();
        const decoded = decodeEpc(hex);
        expect(EpcUrnSchema.safeParse(decoded.urn).success).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes the TDS raw form', () => {
    expect(rawEpcUrn('e200abcd')).toBe('urn:epc:raw:32.xE200ABCD');
  });
});

describe('GS1 check digits', () => {
  it.each([
    ['8061414112345', 8],
    ['0614141123452'.slice(0, 12), 2],
    ['10614141234567890', 8],
  ])('%s → %i', (digits, check) => expect(gs1CheckDigit(digits)).toBe(check));
  it('validates whole keys', () => {
    expect(hasValidCheckDigit('80614141123458')).toBe(true);
    expect(hasValidCheckDigit('80614141123459')).toBe(false);
  });
});

describe('EPC encoding round-trips', () => {
  it('reproduces the TDS SGTIN-96 and SSCC-96 examples', () => {
    expect(
      encodeSgtin96({ filter: 3, companyPrefix: '0614141', indicatorAndItemReference: '812345', serial: 6789 }),
    ).toBe('3074257BF7194E4000001A85');
    expect(encodeSscc96({ filter: 3, companyPrefix: '0614141', extensionAndSerialReference: '1234567890' })).toBe(
      '3174257BF4499602D2000000',
    );
  });

  it('SGTIN-96 encode → decode is the identity for every partition', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 12 }),
        fc.integer({ min: 0, max: 7 }),
        fc.bigInt({ min: 0n, max: (1n << 38n) - 1n }),
        fc.nat(),
        fc.nat(),
        (prefixDigits, filter, serial, prefixSeed, itemSeed) => {
          const companyPrefix = String(prefixSeed % 10 ** Math.min(prefixDigits, 9)).padStart(prefixDigits, '0');
          const itemDigits = 13 - prefixDigits;
          const item = String(itemSeed % 10 ** itemDigits).padStart(itemDigits, '0');
          const decoded = decodeEpcStrict(
            encodeSgtin96({ filter, companyPrefix, indicatorAndItemReference: item, serial }),
          );
          expect(decoded.urn).toBe(`urn:epc:id:sgtin:${companyPrefix}.${item}.${serial}`);
          expect(decoded.filter).toBe(filter);
          expect(hasValidCheckDigit(decoded.gtin ?? '')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('SSCC-96 encode → decode is the identity for every partition, with a valid SSCC-18', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 12 }),
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (prefixDigits, filter, prefixSeed, serialHigh, serialLow) => {
          const companyPrefix = String(prefixSeed % 10 ** Math.min(prefixDigits, 9)).padStart(prefixDigits, '0');
          const serialDigits = 17 - prefixDigits;
          const serial = `${serialHigh}${serialLow}`.padStart(serialDigits, '0').slice(-serialDigits);
          const hex = encodeSscc96({ filter, companyPrefix, extensionAndSerialReference: serial });
          expect(hex).toHaveLength(24);
          const decoded = decodeEpcStrict(hex);
          expect(decoded.urn).toBe(`urn:epc:id:sscc:${companyPrefix}.${serial}`);
          expect(decoded.sscc).toHaveLength(18);
          expect(hasValidCheckDigit(decoded.sscc ?? '')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses fields that do not fit', () => {
    expect(() =>
      encodeSgtin96({ filter: 8, companyPrefix: '0614141', indicatorAndItemReference: '812345', serial: 1 }),
    ).toThrow(/SW_EPC|filter/);
    expect(() =>
      encodeSgtin96({ filter: 1, companyPrefix: '0614141', indicatorAndItemReference: '8123456', serial: 1 }),
    ).toThrow(/13 digits/);
  });
});

describe('tag map for non-GS1 tags', () => {
  const resolve = createEpcResolver([
    { prefix: 'E200', gtin: '80614141123458', companyPrefixDigits: 7 },
    { prefix: 'E2003412', gtin: '09506000134352', companyPrefixDigits: 7 },
  ]);
  it('maps by longest prefix and keeps the rest as the serial', () => {
    expect(resolve('E2003412B802011712345678')).toEqual({
      kind: 'mapped',
      urn: 'urn:epc:id:sgtin:9506000.013435.B802011712345678',
      gtin: '09506000134352',
      serial: 'B802011712345678',
    });
    expect(resolve('E200AAAA').urn).toBe('urn:epc:id:sgtin:0614141.812345.AAAA');
  });
  it('leaves unmapped and over-long tags raw, GS1 tags decoded', () => {
    expect(resolve('E2FF0000').kind).toBe('raw');
    expect(resolve(`E200${'1'.repeat(21)}`).kind).toBe('raw');
    expect(resolve('3074257BF7194E4000001A85').urn).toBe('urn:epc:id:sgtin:0614141.812345.6789');
  });
});
