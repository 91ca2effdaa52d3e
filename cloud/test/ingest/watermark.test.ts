import { describe, expect, it } from 'vitest';
import { WatermarkTracker } from '../../src/ingest/watermark.js';

type Step = [firstSequence: number, count: number, declaredBase: number | undefined, expected: number | undefined];

describe('committed-sequence watermark', () => {
  it.each<{ name: string; steps: Step[] }>([
    {
      name: 'moves over a contiguous run',
      steps: [
        [1, 40, undefined, 40],
        [41, 10, undefined, 50],
      ],
    },
    {
      name: 'waits at a gap (lost between broker and cloud)',
      steps: [
        [1, 10, 0, 10],
        [21, 5, 10, undefined],
      ],
    },
    {
      name: 'fills the gap when the gateway sends again',
      steps: [
        [1, 10, 0, 10],
        [21, 5, 10, undefined],
        [11, 10, 10, 20],
      ],
    },
    {
      name: 'a redelivery changes nothing',
      steps: [
        [1, 10, 0, 10],
        [1, 10, 0, undefined],
      ],
    },
    { name: 'starts from what the gateway declares', steps: [[101, 5, 100, 105]] },
    {
      name: 'a gateway declaring less than a gap still waits',
      steps: [
        [111, 5, 100, undefined],
        [101, 10, 100, 110],
      ],
    },
    { name: 'without a declared base, trusts the first document', steps: [[500, 3, undefined, 502]] },
  ])('$name', ({ steps }) => {
    const tracker = new WatermarkTracker(10);
    for (const [firstSequence, count, base, expected] of steps)
      expect(tracker.settle('store-1/gw', firstSequence, count, base)).toBe(expected);
  });

  it('adopts a retained watermark read back after a restart, never moving backwards', () => {
    const tracker = new WatermarkTracker(10);
    tracker.adopt('store-1/gw', 70);
    tracker.adopt('store-1/gw', 60);
    expect(tracker.get('store-1/gw')).toBe(70);
    expect(tracker.settle('store-1/gw', 80, 5, 0)).toBeUndefined();
    expect(tracker.settle('store-1/gw', 71, 9, 0)).toBe(79);
  });

  it('keeps at most gatewaysMax gateways', () => {
    const tracker = new WatermarkTracker(2);
    for (const gateway of ['a', 'b', 'c']) tracker.settle(gateway, 1, 1, undefined);
    expect(tracker.get('a')).toBeUndefined();
    expect(tracker.get('c')).toBe(1);
  });
});

describe('watermark with several consumers (ranges settled ahead)', () => {
  it('jumps over ranges settled past a gap once the gap is committed elsewhere', () => {
    const tracker = new WatermarkTracker(10, true);
    expect(tracker.settle('s/g', 1, 10, 0)).toBe(10);
    expect(tracker.settle('s/g', 21, 10, 0)).toBeUndefined(); // 11–20 at another consumer
    expect(tracker.settle('s/g', 41, 10, 0)).toBeUndefined();
    expect(tracker.adopt('s/g', 20)).toBe(30); // another consumer committed 11–20
    expect(tracker.settle('s/g', 31, 10, 0)).toBe(50);
    expect(tracker.adopt('s/g', 40)).toBeUndefined(); // an older value read back changes nothing
  });
});
