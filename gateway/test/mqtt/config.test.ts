import { describe, expect, it } from 'vitest';
import { MqttConfigSchema } from '../../src/mqtt/config.js';

describe('mqtt config', () => {
  it.each([
    { name: 'a URL without a scheme', input: { url: 'broker:1883' }, path: 'url' },
    {
      name: 'password and passwordFile together',
      input: { password: 'x', passwordFile: '/etc/x' },
      path: 'passwordFile',
    },
    { name: 'a client certificate without its key', input: { tls: { certFile: '/etc/c.pem' } }, path: 'tls.keyFile' },
    { name: 'an unknown option', input: { clientId: 'x' }, path: '' },
  ])('rejects $name', ({ input, path }) => {
    const result = MqttConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('has defaults for everything', () => {
    expect(MqttConfigSchema.parse({})).toMatchObject({
      url: 'mqtt://127.0.0.1:1883',
      eventsPerMessageMax: 40,
      inflightMessagesMax: 32,
      keepaliveSeconds: 30,
    });
  });
});
