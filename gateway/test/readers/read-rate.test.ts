import { describe, expect, it } from 'vitest';
import { READ_RATE_WINDOW_SECONDS, ReadRateWindow } from '../../src/readers/base.js';

describe('ReadRateWindow', () => {
  it('averages reads and RSSI over the last window of seconds', () => {
    const window = new ReadRateWindow();
    for (let second = 0; second < READ_RATE_WINDOW_SECONDS; second++) {
      window.add(second * 1000 + 10, -50);
      window.add(second * 1000 + 20, -60);
    }
    expect(window.summary((READ_RATE_WINDOW_SECONDS - 1) * 1000 + 500)).toEqual({
      readsPerSecond: 2,
      rssiDbmMean: -55,
    });
  });

  it('forgets seconds that left the window, and says null with no reads', () => {
    const window = new ReadRateWindow();
    window.add(1_000, -40);
    expect(window.summary(1_500).readsPerSecond).toBeCloseTo(1 / READ_RATE_WINDOW_SECONDS);
    expect(window.summary(1_000 + READ_RATE_WINDOW_SECONDS * 1000)).toEqual({ readsPerSecond: 0, rssiDbmMean: null });
  });
});
