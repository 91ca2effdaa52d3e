/**
 * Reconnect backoff shared by the MQTT connection and the reader drivers.
 * Each part keeps its own config schema; both hand this module the plain policy below.
 */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  readonly initialDelayMs: number;
  /** Ceiling of the exponential growth and hard upper bound of every returned delay. */
  readonly maxDelayMs: number;
  /** Growth factor per attempt (≥ 1). */
  readonly multiplier: number;
  /** Share of each delay drawn at random (0..1). */
  readonly jitterRatio: number;
}

/**
 * Delay before retry `attempt` (0-based): `min(maxDelayMs, initialDelayMs·multiplier^attempt)`,
 * minus a random share of up to `jitterRatio`, so the result lies in
 * `[ceiling·(1 − jitterRatio), ceiling]` and is at least 1 ms. Pure: the caller supplies
 * `random01` in [0, 1) so tests are deterministic.
 *
 * Why subtractive jitter rather than symmetric ±jitterRatio: a symmetric spread has to be
 * clamped at `maxDelayMs` to keep the ceiling a ceiling, and once a fleet has been down long
 * enough to reach the ceiling, half of it then lands on exactly `maxDelayMs` and reconnects in
 * lockstep, the thundering herd jitter exists to prevent. Subtracting keeps the ceiling a true
 * upper bound and the spread intact at the ceiling.
 *
 * No cap on the exponent is needed: a huge `multiplier ** attempt` overflows to Infinity and
 * `Math.min` brings it back to `maxDelayMs`, and slow multipliers still reach the ceiling.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random01: number): number {
  const exponent = Math.max(0, attempt);
  const ceilingMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent);
  return Math.max(1, Math.round(ceilingMs * (1 - policy.jitterRatio * random01)));
}
