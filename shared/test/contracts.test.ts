import { describe, expect, it } from 'vitest';
import { gatewayTopic, parseGatewayTopic } from '../src/contracts/topics.js';
import { canonicalJson, deterministicEventId } from '../src/contracts/event-id.js';
import { RawReadSchema } from '../src/contracts/raw-read.js';

describe('topics', () => {
  it('round-trips gateway topics', () => {
    const topic = gatewayTopic('store-1', 'door-3', 'events');
    expect(topic).toBe('stockwire/v1/store-1/door-3/events');
    expect(parseGatewayTopic(topic)).toEqual({ siteId: 'store-1', gatewayId: 'door-3', kind: 'events' });
  });
  it.each([
    'stockwire/v1/Store/door/events',
    'stockwire/v1/a/b/other',
    'stockwire/v2/a/b/events',
    'x',
    'stockwire/v1/a/b/events/extra',
  ])('rejects %s', (topic) => expect(parseGatewayTopic(topic)).toBeNull());
});

describe('event ids', () => {
  it('ignore key order and the eventID field', () => {
    const a = deterministicEventId({ b: 1, a: [1, 2], eventID: 'x' });
    const b = deterministicEventId({ a: [1, 2], b: 1 });
    expect(a).toBe(b);
    expect(a).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });
  it('change with content', () => {
    expect(deterministicEventId({ a: 1 })).not.toBe(deterministicEventId({ a: 2 }));
    expect(canonicalJson({ z: undefined, y: null })).toBe('{"y":null}');
  });
});

describe('raw reads', () => {
  it('normalise hex to upper case', () => {
    const read = RawReadSchema.parse({ epc: '3039606303c7438000', antenna: 1, rssi: -55, time: 1, reader: 'r1' });
    expect(read.epc).toBe('3039606303C7438000');
  });
  it('reject unknown fields with the field named', () => {
    const result = RawReadSchema.safeParse({ epc: 'ZZ', antenna: 1, rssi: -55, time: 1, reader: 'r1', extra: 1 });
    expect(result.success).toBe(false);
  });
});
