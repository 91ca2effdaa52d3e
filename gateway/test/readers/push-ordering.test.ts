import { describe, expect, it } from 'vitest';
import { ReplayFilter, type ReadVerdict } from '../../src/readers/push/ordering.js';

/**
 * Late and repeated reads from a reader that replays its buffer (Zebra IoT Connector):
 * table-driven over (reader time, receive time) sequences for one tag on one antenna.
 */
const T = Date.UTC(2026, 11, 4, 10, 0, 0);
type Step = [readerTimeMs: number | null, receiveMs: number, verdict: ReadVerdict];

describe('ReplayFilter', () => {
  it.each<[string, Step[]]>([
    [
      'live reads with a reader clock 1 h behind are fresh',
      [
        [T - 3_600_000, T, 'fresh'],
        [T - 3_600_000 + 100, T + 100, 'fresh'],
      ],
    ],
    [
      'a replay of reads from 5 minutes ago is late',
      [
        [T, T, 'fresh'],
        [T - 300_000, T + 1_000, 'late'],
      ],
    ],
    [
      'the same event twice is a repeat; an older one is out of order',
      [
        [T, T, 'fresh'],
        [T, T + 50, 'repeated'],
        [T - 100, T + 60, 'repeated'],
        [T + 200, T + 200, 'fresh'],
      ],
    ],
    [
      'a read without reader time is always fresh',
      [
        [T, T, 'fresh'],
        [null, T + 10, 'fresh'],
      ],
    ],
    [
      'a reader clock set back (reset to 2000) is relearnt after skewRelearnMs of late reads',
      [
        [T, T, 'fresh'],
        [Date.UTC(2000, 0, 1), T + 1_000, 'late'],
        [Date.UTC(2000, 0, 1) + 59_000, T + 60_000, 'late'],
        [Date.UTC(2000, 0, 1) + 61_000, T + 62_000, 'fresh'],
        [Date.UTC(2000, 0, 1) + 62_000, T + 63_000, 'fresh'],
      ],
    ],
  ])('%s', (_name, steps) => {
    const filter = new ReplayFilter(10_000, 100, 60_000);
    expect(steps.map(([readerTimeMs, receiveMs]) => filter.judge('E200', 1, readerTimeMs, receiveMs))).toEqual(
      steps.map(([, , verdict]) => verdict),
    );
  });

  it('forgets the oldest tag past tagsTrackedMax (bounded memory)', () => {
    const filter = new ReplayFilter(10_000, 2, 60_000);
    for (const epc of ['A1', 'A2', 'A3']) expect(filter.judge(epc, 1, T, T)).toBe('fresh');
    // A1 was forgotten: its repeat is no longer recognised; A3's still is.
    expect(filter.judge('A1', 1, T, T + 1)).toBe('fresh');
    expect(filter.judge('A3', 1, T, T + 1)).toBe('repeated');
  });
});
