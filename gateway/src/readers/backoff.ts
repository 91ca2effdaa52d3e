import type { ReconnectConfig } from './config.js';

/**
 * Exponential backoff with symmetric jitter: attempt n waits
 * min(maxDelayMs, initialDelayMs·multiplier^n)·(1 ± jitterRatio). Pure: the caller
 * supplies the random number so tests are deterministic.
 */
export function reconnectDelayMs(policy: ReconnectConfig, attempt: number, random01: number): number {
  const exponent = Math.min(attempt, 30); // beyond ~30 doublings every policy is at its ceiling anyway.
  const baseMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent);
  const jitter = 1 + policy.jitterRatio * (2 * random01 - 1);
  return Math.max(1, Math.round(Math.min(policy.maxDelayMs, baseMs * jitter)));
}

export const DEFAULT_RECONNECT: ReconnectConfig = Object.freeze({ initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitterRatio: 0.2 });
