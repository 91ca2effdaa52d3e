import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type BackoffPolicy } from '../src/backoff.js';

// The MQTT connection's defaults: its schema has no multiplier, the connection always doubles.
const mqttPolicy: BackoffPolicy = { initialDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 2, jitterRatio: 0.5 };
// The reader drivers' defaults (gateway/src/readers/config.ts).
const readerPolicy: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitterRatio: 0.2 };

describe('backoffDelayMs', () => {
  it.each([
    { attempt: 0, random01: 0, delayMs: 1_000 },
    { attempt: 1, random01: 0, delayMs: 2_000 },
    { attempt: 5, random01: 0, delayMs: 32_000 },
    { attempt: 6, random01: 0, delayMs: 60_000 },
    { attempt: 1_000, random01: 0, delayMs: 60_000 },
    { attempt: 3, random01: 0.999_999, delayMs: 4_000 },
    { attempt: 6, random01: 0.5, delayMs: 45_000 },
  ])('mqtt policy: attempt $attempt with random $random01 waits $delayMs ms', ({ attempt, random01, delayMs }) => {
    expect(backoffDelayMs(mqttPolicy, attempt, random01)).toBe(delayMs);
  });

  it.each([
    { attempt: 0, random01: 0.5, delayMs: 450 },
    { attempt: 3, random01: 0.5, delayMs: 3_600 },
    { attempt: 3, random01: 0, delayMs: 4_000 },
    { attempt: 3, random01: 1, delayMs: 3_200 },
    { attempt: 20, random01: 1, delayMs: 24_000 },
    { attempt: 1_000, random01: 0.5, delayMs: 27_000 },
  ])('reader policy: attempt $attempt with random $random01 waits $delayMs ms', ({ attempt, random01, delayMs }) => {
    expect(backoffDelayMs(readerPolicy, attempt, random01)).toBe(delayMs);
  });

  it.each([
    {
      name: 'a slow multiplier still reaches the ceiling',
      policy: { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 1.1, jitterRatio: 0 },
      attempt: 60,
      random01: 0,
      delayMs: 30_000,
    },
    {
      name: 'multiplier 1 keeps the initial delay',
      policy: { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 1, jitterRatio: 0 },
      attempt: 50,
      random01: 0,
      delayMs: 500,
    },
    { name: 'a negative attempt counts as the first', policy: mqttPolicy, attempt: -3, random01: 0, delayMs: 1_000 },
    {
      name: 'full jitter never returns 0',
      policy: { initialDelayMs: 1, maxDelayMs: 10, multiplier: 2, jitterRatio: 1 },
      attempt: 0,
      random01: 0.999_999,
      delayMs: 1,
    },
  ])('$name', ({ policy, attempt, random01, delayMs }) => {
    expect(backoffDelayMs(policy, attempt, random01)).toBe(delayMs);
  });

  it('stays within [ceiling·(1 − jitterRatio), ceiling] and never above maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (initialDelayMs, maxDelayMs, multiplier, jitterRatio, attempt, random01) => {
          const ceilingMs = Math.min(maxDelayMs, initialDelayMs * multiplier ** attempt);
          const delayMs = backoffDelayMs({ initialDelayMs, maxDelayMs, multiplier, jitterRatio }, attempt, random01);
          expect(delayMs).toBeLessThanOrEqual(Math.max(1, Math.round(ceilingMs)));
          expect(delayMs).toBeLessThanOrEqual(Math.max(1, maxDelayMs));
          expect(delayMs).toBeGreaterThanOrEqual(Math.max(1, Math.floor(ceilingMs * (1 - jitterRatio))));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
