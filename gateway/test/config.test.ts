import { describe, expect, it } from 'vitest';
import { GatewayConfigSchema } from '../src/config.js';

describe('gateway config identity', () => {
  it.each(['alerts', 'deadletter'])('refuses the reserved site id %s', (siteId) => {
    const result = GatewayConfigSchema.safeParse({ siteId, gatewayId: 'gw-1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['siteId'] });
    expect(result.error?.issues[0]?.message).toContain('reserved');
  });

  it.each([['Store-1'], ['store_1'], ['']])('refuses the malformed site id "%s"', (siteId) => {
    expect(GatewayConfigSchema.safeParse({ siteId, gatewayId: 'gw-1' }).success).toBe(false);
  });

  it('accepts a minimal config and fills defaults', () => {
    const config = GatewayConfigSchema.parse({ siteId: 'store-1', gatewayId: 'gw-1' });
    expect(config.readers).toEqual([]);
    expect(config.debounce.portals).toEqual([]);
  });
});
