import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.js';
import type { CaptureJob } from '../../src/epcis/event-store.js';
import { PALLET, caseEpc, epcisDocument, packingEvent, receivingEvent, shippingToUs, BACKROOM } from './documents.js';
import { READ_TOKEN, WRITE_TOKEN, gs1SchemaValidator, startEpcisInstance, type EpcisTestInstance } from './harness.js';

const WRITE = { authorization: `Bearer ${WRITE_TOKEN}` };
const READ = { authorization: `Bearer ${READ_TOKEN}` };
const LD_JSON = { 'content-type': 'application/ld+json' };
/** The fields these tests read from a queried event; the rest of the event is not asserted on here. */
type QueriedEvent = {
  type: string;
  eventID: string;
  recordTime: string;
  parentID?: string;
  childEPCs?: string[];
  [field: string]: unknown;
};

describe('EPCIS 2.0 capture and query over HTTP', () => {
  let instance: EpcisTestInstance;
  const validGs1 = gs1SchemaValidator();
  const stored: string[] = [];

  beforeAll(async () => {
    instance = await startEpcisInstance({ captureEventsMax: 20, captureBytesMax: 64 * 1024 });
    instance.epcis.capture.onEventsStored((events) => stored.push(...events.map((event) => String(event.bizStep))));
  });
  afterAll(async () => {
    await instance.stop();
  });

  const request = (path: string, init: RequestInit = {}) => fetch(`${instance.url}${path}`, init);
  const capture = (document: unknown, headers: Record<string, string> = {}) =>
    request('/capture', {
      method: 'POST',
      headers: { ...WRITE, ...LD_JSON, ...headers },
      body: JSON.stringify(document),
    });
  async function finishedJob(response: Response): Promise<CaptureJob> {
    expect(response.status).toBe(202);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/capture\/[0-9a-f-]{36}$/);
    await instance.epcis.capture.idle();
    return (await (await request(location, { headers: READ })).json()) as CaptureJob;
  }
  const query = async (path: string, headers: Record<string, string> = {}) => {
    const response = await request(path, { headers: { ...READ, ...headers } });
    const body = (await response.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: QueriedEvent[] } } };
    };
    return { response, events: body.epcisBody?.queryResults.resultsBody.eventList ?? [], body };
  };

  it('OPTIONS /capture advertises the limits, the error behaviours and the standard versions', async () => {
    const response = await request('/capture', { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('gs1-epcis-capture-limit')).toBe('20');
    expect(response.headers.get('gs1-epcis-capture-file-size-limit')).toBe(String(64 * 1024));
    expect(response.headers.get('gs1-capture-error-behaviour')).toBe('rollback, proceed');
    expect(response.headers.get('gs1-epcis-version')).toBe('2.0.0');
    expect(response.headers.get('gs1-cbv-version')).toBe('2.0.0');
  });

  it('documents its routes in /openapi.json', async () => {
    const openapi = (await (await request('/openapi.json', { headers: READ })).json()) as {
      paths: Record<string, unknown>;
    };
    for (const path of ['/capture', '/capture/{captureID}', '/events', '/events/{eventID}', '/epcs/{epc}/events'])
      expect(Object.keys(openapi.paths)).toContain(path);
  });

  it('captures a document: 202, a finished successful job, events booked in the ledger and queryable', async () => {
    const document = epcisDocument([receivingEvent([1, 2, 3]), packingEvent([1, 2, 3]), shippingToUs()]);
    expect(validGs1(document)).toBe(true);
    const job = await finishedJob(await capture(document));
    expect(job).toMatchObject({ running: false, success: true, captureErrorBehaviour: 'rollback', errors: [] });
    expect(job.finishedAt).not.toBeNull();
    const stock = await instance.ledger.stock({ location: BACKROOM });
    expect(stock.reduce((sum, row) => sum + Number(row.qty), 0)).toBe(3);
    const { events } = await query('/events?EQ_bizStep=packing');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'AggregationEvent', parentID: PALLET });
    expect(events[0]?.eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(events[0]?.recordTime).toMatch(/Z$/);
    expect(stored).toEqual(expect.arrayContaining(['receiving', 'packing', 'departing']));
  });

  it('lists capture jobs and 404s an unknown one as problem JSON', async () => {
    const jobs = (await (await request('/capture', { headers: READ })).json()) as CaptureJob[];
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    const missing = await request('/capture/nope', { headers: READ });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await missing.json()).toMatchObject({ type: 'epcisException:NoSuchResourceException', status: 404 });
  });

  it.each([
    [
      'more events than GS1-EPCIS-Capture-Limit',
      epcisDocument(Array.from({ length: 21 }, (_, i) => receivingEvent([100 + i]))),
      'SW_EPCIS_CAPTURE_LIMIT',
    ],
    [
      'a body above GS1-EPCIS-Capture-File-Size-Limit',
      epcisDocument([{ ...receivingEvent([200]), 'ex:pad': 'x'.repeat(70_000) }]),
      'SW_EPCIS_FILE_SIZE_LIMIT',
    ],
  ])('413 for %s', async (_name, document, code) => {
    const response = await capture(document);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: 'epcisException:CaptureLimitExceededException', code });
  });

  it.each([
    ['not an EPCISDocument', { type: 'EPCISQueryDocument' }],
    ['no eventTime', epcisDocument([{ ...receivingEvent([300]), eventTime: undefined }])],
  ])('400 ValidationException for a document that is %s (the GS1 schema refuses it too)', async (_name, document) => {
    expect(validGs1(document)).toBe(false);
    const response = await capture(document);
    if (response.status === 202) {
      const job = await finishedJob(response);
      expect(job.success).toBe(false);
      expect(job.errors[0]).toMatchObject({ type: 'epcisException:ValidationException' });
    } else {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ type: 'epcisException:ValidationException' });
    }
  });

  it('rollback (the default) books nothing when one event is bad; proceed books the good ones', async () => {
    const bad = { ...receivingEvent([401]), eventTimeZoneOffset: 'one hour' };
    const rolledBack = await finishedJob(await capture(epcisDocument([receivingEvent([400]), bad])));
    expect(rolledBack.success).toBe(false);
    expect(rolledBack.errors).toHaveLength(1);
    expect((await query(`/epcs/${encodeURIComponent(caseEpc(400))}/events`)).events).toHaveLength(0);

    const proceeded = await finishedJob(
      await capture(epcisDocument([receivingEvent([400]), bad]), { 'GS1-Capture-Error-Behaviour': 'proceed' }),
    );
    expect(proceeded).toMatchObject({ success: false, captureErrorBehaviour: 'proceed' });
    expect((await query(`/epcs/${encodeURIComponent(caseEpc(400))}/events`)).events).toHaveLength(1);
  });

  it('an event at our location that the ledger cannot book is an error, as on MQTT (where it is dead-lettered)', async () => {
    const mixed = {
      ...receivingEvent([600]),
      quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0614141.007346.*', quantity: 2 }],
    };
    const job = await finishedJob(await capture(epcisDocument([mixed])));
    expect(job.success).toBe(false);
    expect(job.errors[0]?.detail).toMatch(/mixes EPCs and class-level quantities/);
  });

  it('POST /events: 201 with Location, again 201 (idempotent), 409 for the same id with other content', async () => {
    const event = { ...receivingEvent([500]), eventID: 'urn:uuid:6f7c1e0e-1111-4a4a-9b9b-000000000500' };
    const post = (body: unknown) =>
      request('/events', {
        method: 'POST',
        headers: { ...WRITE, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const first = await post(event);
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/events/${encodeURIComponent(event.eventID)}`);
    expect((await post(event)).status).toBe(201);
    const conflict = await post({ ...event, epcList: [caseEpc(501)] });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'SW_EPCIS_EVENT_ID_CONFLICT' });
    const single = await request(`/events/${encodeURIComponent(event.eventID)}`, { headers: READ });
    expect(await single.json()).toMatchObject({ eventID: event.eventID, epcList: [caseEpc(500)] });
  });

  it('needs a write token to capture and a read token to query', async () => {
    expect((await request('/capture', { method: 'POST', headers: LD_JSON, body: '{}' })).status).toBe(401);
    expect((await request('/capture', { method: 'POST', headers: { ...READ, ...LD_JSON }, body: '{}' })).status).toBe(
      403,
    );
    const unauthorised = await request('/events');
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toMatchObject({ type: 'epcisException:SecurityException', status: 401 });
  });

  it('queries by EPC as an EPC URN or a GS1 Digital Link, and answers in Digital Link on request', async () => {
    const urn = caseEpc(1);
    const link = 'https://id.gs1.org/01/00614141073467/21/1';
    const byUrn = await query(`/epcs/${encodeURIComponent(urn)}/events`);
    const byLink = await query(`/events?MATCH_epc=${encodeURIComponent(link)}`);
    expect(byUrn.events.map((event) => event.type).sort()).toEqual(['AggregationEvent', 'ObjectEvent']);
    expect(byLink.events).toEqual(byUrn.events);
    const asLinks = await query(`/events?MATCH_parentID=${encodeURIComponent(PALLET)}`, {
      'GS1-EPC-Format': 'Always_GS1_Digital_Link',
    });
    expect(asLinks.events[0]?.childEPCs).toContain(link);
    expect(asLinks.events[0]?.parentID).toBe('https://id.gs1.org/00/106141412345678908');
  });

  it.each([
    ['/eventTypes/AggregationEvent/events', 1],
    ['/events?eventType=ObjectEvent&EQ_bizStep=receiving', 3],
    ['/events?EQ_bizStep=urn:epcglobal:cbv:bizstep:receiving', 3],
    // Receipts at 10:00+01:00 (cases 1-3, 400, 500): inside the first window, outside the second.
    [
      `/events?EQ_bizLocation=${encodeURIComponent(BACKROOM)}&GE_eventTime=2026-12-04T09:00:00Z&LT_eventTime=2026-12-04T09:00:00.001Z`,
      3,
    ],
    [`/events?EQ_bizLocation=${encodeURIComponent(BACKROOM)}&LT_eventTime=2026-12-04T09:00:00Z`, 0],
    ['/events?EQ_readPoint=urn:epc:id:sgln:0614141.00009.0', 2],
    ['/events?GE_recordTime=2000-01-01T00:00:00Z&eventType=AggregationEvent|TransformationEvent', 1],
    ['/events?EQ_bizStep=https://ref.gs1.org/cbv/BizStep-departing', 1],
  ])('GET %s → %i event(s)', async (path, count) => {
    const { response, events } = await query(path);
    expect(response.status).toBe(200);
    expect(events).toHaveLength(count);
  });

  it('pages with perPage and nextPageToken until every event was seen once', async () => {
    const all = await query('/events?perPage=1000');
    const seen: string[] = [];
    let path: string | undefined = '/events?perPage=2';
    for (let page = 0; path !== undefined && page < 50; page++) {
      const { response, events } = await query(path);
      seen.push(...events.map((event) => event.eventID));
      const link = response.headers.get('link');
      path = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
    }
    expect(seen).toEqual(all.events.map((event) => event.eventID));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses unknown or malformed query parameters as QueryParameterException', async () => {
    for (const path of ['/events?EQ_colour=red', '/events?GE_eventTime=yesterday', '/events?nextPageToken=zzz']) {
      const response = await request(path, { headers: READ });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ type: 'epcisException:QueryParameterException' });
    }
  });

  it('captures the CBV 2.0 reference document: every event gets the reference hash as its eventID', async () => {
    const fixtures = new URL('../../../test/fixtures/epcis-hash/', import.meta.url);
    const document = JSON.parse(readFileSync(new URL('epcisDocWithVariousEventTypes.jsonld', fixtures), 'utf8'));
    const hashes = readFileSync(new URL('epcisDocWithVariousEventTypes.hashes', fixtures), 'utf8').trim().split('\n');
    const job = await finishedJob(await capture(document));
    expect(job.errors).toEqual([]);
    const { events } = await query(
      '/events?EQ_readPoint=urn:epc:id:sgln:4012345.00001.0|urn:epc:id:sgln:5200001.99901.0',
    );
    expect(events.map((event) => event.eventID)).toEqual([hashes[0], hashes[10], hashes[11], hashes[12]]);
  });
});

describe('two captures of the same documents at once', () => {
  it('book each event once (jobs run one at a time; ids dedupe)', async () => {
    const instance = await startEpcisInstance();
    try {
      const document = epcisDocument([receivingEvent([700, 701], 5), packingEvent([700, 701])]);
      const send = () =>
        fetch(`${instance.url}/capture`, {
          method: 'POST',
          headers: { ...WRITE, ...LD_JSON },
          body: JSON.stringify(document),
        });
      const responses = await Promise.all([send(), send()]);
      expect(responses.map((response) => response.status)).toEqual([202, 202]);
      await waitFor(
        async () => ((await instance.epcis.repository.jobs(10)).every((job) => !job.running) ? true : undefined),
        10_000,
        'both capture jobs to finish',
      );
      const stock = await instance.ledger.stock({ location: BACKROOM });
      expect(stock.reduce((sum, row) => sum + Number(row.qty), 0)).toBe(2);
      const { events } = await instance.epcis.repository.queryEvents({ limit: 10 });
      expect(events).toHaveLength(2);
    } finally {
      await instance.stop();
    }
  });
});

describe('a bounded capture queue', () => {
  it('answers 503 with Retry-After while captureQueueMax captures wait, and takes work again once idle', async () => {
    const instance = await startEpcisInstance({ captureQueueMax: 1 });
    try {
      const send = (serial: number) =>
        fetch(`${instance.url}/capture`, {
          method: 'POST',
          headers: { ...WRITE, ...LD_JSON },
          body: JSON.stringify(epcisDocument([receivingEvent([serial])])),
        });
      // Sent at once: the first is queued, the others find the queue full.
      const responses = await Promise.all([1, 2, 3, 4, 5].map(send));
      const statuses = responses.map((response) => response.status);
      expect(statuses).toContain(202);
      expect(statuses).toContain(503);
      const refused = responses.find((response) => response.status === 503)!;
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ code: 'SW_EPCIS_BUSY', status: 503 });
      await instance.epcis.capture.idle();
      expect((await send(9)).status).toBe(202);
    } finally {
      await instance.stop();
    }
  });
});
