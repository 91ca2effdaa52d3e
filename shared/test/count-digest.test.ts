import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CountCommandSchema,
  applyCountChanges,
  canonicalEpcSet,
  countChanges,
  countDigestOf,
} from '../src/contracts/count-digest.js';
import { gatewayTopic, parseGatewayTopic } from '../src/contracts/topics.js';

const urn = (serial: number) => `urn:epc:id:sgtin:0614141.812345.${serial}`;

describe('count digest canonical form', () => {
  it('is SHA-256 over the sorted unique URNs, each followed by LF', () => {
    const expected = createHash('sha256')
      .update(`${urn(1)}\n${urn(2)}\n`)
      .digest('hex');
    expect(countDigestOf([urn(2), urn(1), urn(2)])).toBe(expected);
    expect(countDigestOf([])).toBe(createHash('sha256').update('').digest('hex'));
  });

  it('does not depend on order and tells sets apart', () => {
    expect(countDigestOf([urn(3), urn(1)])).toBe(countDigestOf([urn(1), urn(3)]));
    expect(countDigestOf([urn(1), urn(3)])).not.toBe(countDigestOf([urn(1), urn(2)]));
    // Concatenation ambiguity is closed by the terminator: {ab} differs from {a, b}.
    expect(countDigestOf(['urn:epc:id:sgtin:1.2.34'])).not.toBe(countDigestOf(['urn:epc:id:sgtin:1.2.3', '4']));
  });

  it('changes between two sets rebuild the second from the first (property)', () => {
    const set = fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 120 }).map((ids) => ids.map(urn));
    fc.assert(
      fc.property(set, set, (before, after) => {
        const previous = canonicalEpcSet(before);
        const current = canonicalEpcSet(after);
        const changes = countChanges(previous, current);
        expect(applyCountChanges(previous, changes)).toEqual(current);
        expect(changes.added.every((epc) => !previous.includes(epc))).toBe(true);
        expect(changes.removed.every((epc) => !current.includes(epc))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('commands topic and payload', () => {
  it('is a gateway topic of kind commands', () => {
    expect(parseGatewayTopic(gatewayTopic('store-1', 'gw-1', 'commands'))).toEqual({
      siteId: 'store-1',
      gatewayId: 'gw-1',
      kind: 'commands',
    });
  });

  it('refuses a command with unknown fields', () => {
    const command = {
      command: 'full_count',
      shelf: 'b2',
      location: 'urn:stockwire:loc:store-1:shelf-b2',
      reason: 'digest_mismatch',
      eventId: 'ni:///sha-256;x',
      time: '2026-12-05T06:00:00.000Z',
    };
    expect(CountCommandSchema.safeParse(command).success).toBe(true);
    expect(CountCommandSchema.safeParse({ ...command, extra: 1 }).success).toBe(false);
  });
});
