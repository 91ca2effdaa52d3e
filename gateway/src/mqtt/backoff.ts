import type { z } from 'zod';
import type { MqttReconnectConfigSchema } from './config.js';

export type ReconnectPolicy = z.infer<typeof MqttReconnectConfigSchema>;

/** Attempts past this no longer grow the delay (2^20 × initial is far beyond any ceiling). */
const EXPONENT_MAX = 20;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential growth up to
 * `maxDelayMs`, minus a random share of up to `jitterRatio`. `random` is in [0, 1).
 */
export function reconnectDelayMs(attempt: number, policy: ReconnectPolicy, random: number): number {
  const exponent = Math.min(Math.max(0, attempt), EXPONENT_MAX);
  const ceilingMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return Math.max(1, Math.round(ceilingMs * (1 - policy.jitterRatio * random)));
}
