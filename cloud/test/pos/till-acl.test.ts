import { describe, expect, it } from 'vitest';
import { mayConnect, mayPublish, maySubscribe, type BrokerPrincipal } from '../../src/broker/acl.js';

const till: BrokerPrincipal = { username: 'till-1', role: 'till', siteId: 'store-1', tillId: 'till-1' };

describe('broker ACL for tills', () => {
  it.each([
    ['its own till topic', 'stockwire/v1/store-1/pos/till-1/transactions', true],
    ['another till', 'stockwire/v1/store-1/pos/till-2/transactions', false],
    ['another site', 'stockwire/v1/store-2/pos/till-1/transactions', false],
    ['another kind under its till', 'stockwire/v1/store-1/pos/till-1/status', false],
    ['a gateway events topic', 'stockwire/v1/store-1/dock-gw-1/events', false],
    ['the dead-letter topic', 'stockwire/v1/deadletter', false],
  ])('publishing on %s: %s', (_name, topic, allowed) => {
    expect(mayPublish(till, topic).allowed).toBe(allowed);
  });

  it('subscribes to nothing and connects only with its own client id', () => {
    expect(maySubscribe(till, 'stockwire/v1/#').allowed).toBe(false);
    expect(mayConnect(till, 'till-1').allowed).toBe(true);
    expect(mayConnect(till, 'till-2').allowed).toBe(false);
  });
});
