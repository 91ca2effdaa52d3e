import { describe, expect, it } from 'vitest';
import {
  divideRounded,
  extendValue,
  formatScaled,
  parseScaled,
  proportionalValue,
  unitCostOf,
} from '../../src/ledger/decimal.js';

describe('exact decimals', () => {
  it.each([
    ['8', 3, 8000n],
    ['10.5', 3, 10500n],
    ['-0.001', 3, -1n],
    ['007.250', 3, 7250n],
    ['1.10000', 3, 1100n], // trailing zeros beyond the scale are fine
  ])('parses %s at scale %i', (text, scale, value) => expect(parseScaled(text, scale)).toEqual({ ok: true, value }));

  it.each([
    ['1.2345', 3, 'more than 3 decimal places'],
    ['1e3', 3, 'not a decimal number'],
    ['', 3, 'not a decimal number'],
    ['0.1.2', 3, 'not a decimal number'],
    ['1234567890123456', 3, 'more than 15 integer digits'],
  ])('rejects %s at scale %i', (text, scale, reason) =>
    expect(parseScaled(text, scale)).toEqual({ ok: false, reason: expect.stringContaining(reason) }),
  );

  it.each([
    [8000n, 3, '8'],
    [10500n, 3, '10.5'],
    [-1n, 4, '-0.0001'],
    [0n, 4, '0'],
  ])('formats %s at scale %i', (value, scale, text) => expect(formatScaled(value, scale)).toBe(text));

  it.each([
    [5n, 2n, 2n], // 2.5 → 2 (even)
    [7n, 2n, 4n], // 3.5 → 4 (even)
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [10n, 3n, 3n],
    [11n, 3n, 4n],
    [-11n, 3n, -4n],
    [1n, -3n, 0n],
  ])('rounds %s / %s half to even → %s', (numerator, denominator, quotient) =>
    expect(divideRounded(numerator, denominator)).toBe(quotient),
  );

  it('extends, splits and averages without binary floats', () => {
    expect(extendValue(3000n, 3_333_333n)).toBe(100_000n); // 3 × 3.333333 = 9.999999 → 10.0000
    expect(proportionalValue(1_300_000n, 10_000n, 12_000n)).toBe(1_083_333n); // 130 × 10/12
    expect(proportionalValue(1_300_001n, 12_000n, 12_000n)).toBe(1_300_001n); // the whole takes the whole value
    expect(unitCostOf(1_300_000n, 12_000n)).toBe(10_833_333n); // 10.833333
    expect(0.1 + 0.2).not.toBe(0.3); // why
    expect(extendValue(1000n, 100_000n) + extendValue(1000n, 200_000n)).toBe(extendValue(1000n, 300_000n));
  });
});

describe('transaction hash', () => {
  it('equals the shared canonical-JSON hash (so ids hashed elsewhere agree)', async () => {
    const { transactionHash } = await import('../../src/ledger/engine.js');
    const { canonicalJson, sha256Hex } = await import('../../../shared/src/contracts/event-id.js');
    const { TransactionSchema } = await import('../../src/ledger/transactions.js');
    const transaction = TransactionSchema.parse({
      id: 'e"1',
      type: 'receipt',
      location: 'A',
      epcs: ['urn:epc:id:sgtin:0614141.007346.1', 'urn:epc:id:sgtin:0614141.007346.2'],
      source: { kind: 'rfid', gatewayId: 'g' },
      site: 's',
    });
    expect(transactionHash(transaction)).toBe(sha256Hex(canonicalJson(transaction)));
  });
});
