import { describe, expect, it } from 'vitest';
import type { ReaderHealth } from '../../../shared/src/contracts/status.js';
import { ReaderHealthSchema } from '../../../shared/src/contracts/status.js';
import { withBeamFaults } from '../../src/status/beam-faults.js';

const health = (readerId: string, faults?: string[]): ReaderHealth => ({
  readerId,
  protocol: 'zebra-iot',
  connected: true,
  lastReadTime: null,
  framesOk: 0,
  framesBad: 0,
  reconnects: 0,
  lastError: null,
  ...(faults ? { faults } : {}),
});

describe('stuck beams in the reader status', () => {
  it('adds a stuck beam to the health of the reader it is wired to, after its own faults', () => {
    const readers = [health('dock', ['antenna 2 disconnected']), health('shelf')];
    const merged = withBeamFaults(readers, [
      { portal: 'door-1', reader: 'dock', port: 1, side: 'outside', brokenSinceMs: Date.UTC(2026, 11, 4, 10) },
    ]);
    expect(merged[0]?.faults).toEqual([
      'antenna 2 disconnected',
      'GPI 1 beam (door-1 outside) stuck broken since 2026-12-04T10:00:00.000Z',
    ]);
    expect(merged[1]).toBe(readers[1]);
    for (const entry of merged) expect(ReaderHealthSchema.parse(entry)).toEqual(entry);
  });

  it('changes nothing without faults', () => {
    const readers = [health('dock')];
    expect(withBeamFaults(readers, [])).toBe(readers);
  });
});
