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
