import { describe, expect, it } from 'vitest';
import { GatewayConfigSchema, resolveConfigPaths } from '../../src/config.js';

describe('gateway config paths', () => {
  const config = GatewayConfigSchema.parse({
    siteId: 'store-1',
    gatewayId: 'gw-1',
    readers: [
      { id: 'sim', protocol: 'simulated', scenario: '../scenarios/a.yaml' },
      { id: 'serial', protocol: 'chafon', device: '/dev/ttyUSB0' },
    ],
    mqtt: { passwordFile: 'secrets/password', tls: { caFile: '/etc/ca.pem', certFile: 'gw.pem', keyFile: 'gw.key' } },
    outbox: { path: 'var/outbox.sqlite' },
  });

  it('resolves relative paths against the config directory and keeps absolute ones', () => {
    const resolved = resolveConfigPaths(config, '/etc/stockwire');
    expect(resolved.outbox.path).toBe('/etc/stockwire/var/outbox.sqlite');
    expect(resolved.mqtt.passwordFile).toBe('/etc/stockwire/secrets/password');
    expect(resolved.mqtt.tls).toMatchObject({
      caFile: '/etc/ca.pem',
      certFile: '/etc/stockwire/gw.pem',
      keyFile: '/etc/stockwire/gw.key',
    });
    expect(resolved.readers[0]).toMatchObject({ scenario: '/etc/scenarios/a.yaml' });
    expect(resolved.readers[1]).toMatchObject({ device: '/dev/ttyUSB0' });
  });

  it('is idempotent', () => {
    const once = resolveConfigPaths(config, '/etc/stockwire');
    expect(resolveConfigPaths(once, '/somewhere/else')).toEqual(once);
  });

  it.each([
    { name: 'an unknown top-level key', input: { siteId: 's', gatewayId: 'g', tickIntervalMs: 20 }, path: '' },
    { name: 'a bad gateway id', input: { siteId: 's', gatewayId: 'Gateway 1' }, path: 'gatewayId' },
    {
      name: 'an unknown overflow policy',
      input: { siteId: 's', gatewayId: 'g', outbox: { overflowPolicy: 'sometimes' } },
      path: 'outbox.overflowPolicy',
    },
    {
      name: 'a status interval below 100 ms',
      input: { siteId: 's', gatewayId: 'g', statusIntervalMs: 10 },
      path: 'statusIntervalMs',
    },
  ])('rejects $name', ({ input, path }) => {
    const result = GatewayConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
