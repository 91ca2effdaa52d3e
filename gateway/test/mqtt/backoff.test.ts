import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../src/mqtt/backoff.js';
import { MqttConfigSchema } from '../../src/mqtt/config.js';

const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000, jitterRatio: 0.5 };

describe('reconnect backoff', () => {
  it.each([
    { attempt: 0, random: 0, delayMs: 1_000 },
    { attempt: 1, random: 0, delayMs: 2_000 },
    { attempt: 5, random: 0, delayMs: 32_000 },
    { attempt: 6, random: 0, delayMs: 60_000 },
    { attempt: 1_000, random: 0, delayMs: 60_000 },
    { attempt: 3, random: 0.999_999, delayMs: 4_000 },
    { attempt: 6, random: 0.5, delayMs: 45_000 },
  ])('attempt $attempt with random $random waits $delayMs ms', ({ attempt, random, delayMs }) => {
    expect(reconnectDelayMs(attempt, policy, random)).toBe(delayMs);
  });
});

describe('mqtt config', () => {
  it.each([
    { name: 'a URL without a scheme', input: { url: 'broker:1883' }, path: 'url' },
    { name: 'password and passwordFile together', input: { password: 'x', passwordFile: '/etc/x' }, path: 'passwordFile' },
    { name: 'a client certificate without its key', input: { tls: { certFile: '/etc/c.pem' } }, path: 'tls.keyFile' },
    { name: 'an unknown option', input: { clientId: 'x' }, path: '' },
  ])('rejects $name', ({ input, path }) => {
    const result = MqttConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('has defaults for everything', () => {
    expect(MqttConfigSchema.parse({})).toMatchObject({ url: 'mqtt://127.0.0.1:1883', eventsPerMessageMax: 40, inflightMessagesMax: 32, keepaliveSeconds: 30 });
  });
});
