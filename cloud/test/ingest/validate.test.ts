import { describe, expect, it } from 'vitest';
import { buildEpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { receivingEvent } from '../../../test/support/epcis-events.js';
import { validateMessage } from '../../src/ingest/validate.js';
import { buildDeadLetter } from '../../src/ingest/deadletter.js';

const options = { payloadBytesMax: 10_000, verifyEventIds: true };
const topic = 'stockwire/v1/store-1/door-3/events';

function documentBuffer(overrides: (document: Record<string, unknown>) => void = () => {}): Buffer {
  const event = receivingEvent({ epcList: ['urn:epc:id:sgtin:0614141.107346.2017'], 'stockwire:readCount': 12 });
  const document = buildEpcisDocument([event], {
    creationDate: '2026-11-25T10:00:01.000Z',
    gatewayId: 'door-3',
    sequence: 1,
  }) as unknown as Record<string, unknown>;
  overrides(document);
  return Buffer.from(JSON.stringify(document));
}

describe('validateMessage', () => {
  it('accepts a well-formed document', () => {
    const result = validateMessage(topic, documentBuffer(), options);
    expect(result.kind).toBe('events');
  });

  it.each([
    ['an unknown topic', 'stockwire/v1/store-1/door-3/other', documentBuffer(), 'SW_INGEST_UNKNOWN_TOPIC'],
    ['malformed JSON', topic, Buffer.from('{"type": "EPCISDocument",'), 'SW_INGEST_NOT_JSON'],
    ['invalid UTF-8', topic, Buffer.from([0xff, 0xfe, 0x00]), 'SW_INGEST_NOT_JSON'],
    ['the wrong schema', topic, Buffer.from('{"hello":"world"}'), 'SW_INGEST_SCHEMA'],
    ['an oversized payload', topic, Buffer.alloc(10_001, 32), 'SW_INGEST_PAYLOAD_TOO_LARGE'],
    [
      'another gateway in the document',
      topic,
      documentBuffer((document) => (document['stockwire:gateway'] = 'door-4')),
      'SW_INGEST_GATEWAY_MISMATCH',
    ],
    [
      'an altered event',
      topic,
      documentBuffer((document) => {
        const body = document['epcisBody'] as { eventList: Record<string, unknown>[] };
        body.eventList[0]!['epcList'] = ['urn:epc:id:sgtin:0614141.107346.9999'];
      }),
      'SW_INGEST_EVENT_ID_MISMATCH',
    ],
    [
      'an unknown bizStep',
      topic,
      documentBuffer((document) => {
        const body = document['epcisBody'] as { eventList: Record<string, unknown>[] };
        body.eventList[0]!['bizStep'] = 'dancing';
      }),
      'SW_INGEST_SCHEMA',
    ],
  ])('refuses %s with a coded reason', (_name, messageTopic, payload, code) => {
    const result = validateMessage(messageTopic, payload, options);
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(10);
    }
  });

  it('names the field path in schema errors', () => {
    const result = validateMessage(
      topic,
      documentBuffer((document) => delete document['schemaVersion']),
      options,
    );
    expect(result.kind === 'invalid' && result.error.message).toContain('schemaVersion');
  });

  it('treats an empty retained status as a clear, and ignores diagnostic reads', () => {
    expect(validateMessage('stockwire/v1/store-1/door-3/status', Buffer.alloc(0), options)).toEqual({
      kind: 'status',
      siteId: 'store-1',
      gatewayId: 'door-3',
      status: null,
    });
    expect(validateMessage('stockwire/v1/store-1/door-3/reads', Buffer.from('x'), options)).toEqual({
      kind: 'ignored',
    });
  });
});

describe('buildDeadLetter', () => {
  it('keeps UTF-8 text, base64-encodes binary and truncates', () => {
    const text = buildDeadLetter({
      code: 'X',
      reason: 'r',
      topic: 't',
      receivedAt: 'now',
      payload: Buffer.from('hello'),
      payloadBytesMax: 3,
    });
    expect(text).toMatchObject({ payload: 'hel', payloadEncoding: 'utf8', payloadTruncated: true });
    const binary = buildDeadLetter({
      code: 'X',
      reason: 'r',
      topic: 't',
      receivedAt: 'now',
      payload: Buffer.from([0xff, 0x00]),
      payloadBytesMax: 10,
    });
    expect(binary).toMatchObject({ payload: '/wA=', payloadEncoding: 'base64', payloadTruncated: false });
  });
});
