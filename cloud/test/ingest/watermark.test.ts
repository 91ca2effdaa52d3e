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

describe('watermark read back from the broker (several consumers publish it)', () => {
  it('publishes only what moves the broker forward; answers an older live value only when the wire stepped back', () => {
    const tracker = new WatermarkTracker(10, true);
    expect(tracker.settle('s/g', 1, 10, 0)).toBe(10);
    expect(tracker.advancesBroker('s/g', 10)).toBe(true);
    expect(tracker.readBack('s/g', 10, false)).toBeUndefined(); // our own echo
    expect(tracker.readBack('s/g', 30, false)).toBeUndefined(); // another consumer advanced
    expect(tracker.advancesBroker('s/g', 30)).toBe(false); // saying 30 again could only race a newer value
    // A live 20 after the broker carried 30: two publications crossed; the highest known goes out again.
    expect(tracker.readBack('s/g', 20, false)).toBe(30);
  });

  it('does not answer an older value still in flight, but does answer a stale retained one', () => {
    const tracker = new WatermarkTracker(10, true);
    expect(tracker.settle('s/g', 1, 10, 0)).toBe(10);
    expect(tracker.settle('s/g', 11, 10, 0)).toBe(20);
    // 10 read back before our 20 came back: an older publication on its way, not a step back.
    expect(tracker.readBack('s/g', 10, false)).toBeUndefined();
    // After a broker restart its stored value is older than what we know: say ours again.
    expect(tracker.readBack('s/g', 10, true)).toBe(20);
  });

  it('publishes the advance when a read-back value joins ranges settled ahead', () => {
    const tracker = new WatermarkTracker(10, true);
    expect(tracker.settle('s/g', 1, 10, 0)).toBe(10);
    expect(tracker.settle('s/g', 21, 10, 0)).toBeUndefined();
    expect(tracker.readBack('s/g', 20, false)).toBe(30);
    expect(tracker.advancesBroker('s/g', 30)).toBe(true);
  });

  it('checks again before publishing: what arrived meanwhile can make an advance or an answer needless', () => {
    const tracker = new WatermarkTracker(10, true);
    expect(tracker.settle('s/g', 1, 10, 0)).toBe(10);
    expect(tracker.stillWorthPublishing('s/g', 10, false)).toBe(true);
    expect(tracker.readBack('s/g', 20, false)).toBeUndefined(); // another consumer got further meanwhile
    expect(tracker.stillWorthPublishing('s/g', 10, false)).toBe(false); // 10 now would step the broker back
    expect(tracker.readBack('s/g', 15, false)).toBe(20); // the wire stepped back: answer with 20
    expect(tracker.stillWorthPublishing('s/g', 20, true)).toBe(true);
    expect(tracker.readBack('s/g', 20, false)).toBeUndefined(); // another consumer answered first
    expect(tracker.stillWorthPublishing('s/g', 20, true)).toBe(false);
  });
});
