import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { buildEpcisDocument, type EpcisEvent } from '../../shared/src/contracts/epcis.js';
import { legacyEventId } from '../../shared/src/contracts/event-id.js';
import { connectClient, startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { receivingEvent } from '../support/epcis-events.js';
import { waitFor } from '../support/wait.js';

const EVENTS_TOPIC = 'stockwire/v1/store-1/dock-gw-1/events';
const epc = (serial: number) => `urn:epc:id:sgtin:0614141.100001.${serial}`;

/**
 * One repository for every event: documents from gateways over real MQTT (embedded aedes) land in the ledger AND in
 * the EPCIS event repository, queryable through the EPCIS 2.0 REST interface; wave-1 ids (legacy hash) still pass.
 */
describe('gateway events are queryable through the EPCIS 2.0 interface', () => {
  let harness: CloudHarness;
  let publisher: MqttClient;

  beforeAll(async () => {
    harness = await startCloudHarness();
    publisher = await connectClient(harness.mqttUrl, 'dock-gw-1');
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await harness?.stop();
  });

  it('stores what the consumer applied, new and legacy ids alike, before the ack', async () => {
    const current = receivingEvent({ epcList: [epc(1)] });
    const { eventID: _unused, ...content } = receivingEvent({
      epcList: [epc(2)],
      eventTime: '2026-11-25T10:01:00.000Z',
    });
    const legacy = { ...content, eventID: legacyEventId(content) } as EpcisEvent;
    const document = buildEpcisDocument([current, legacy], {
      creationDate: '2026-11-25T10:01:01.000Z',
      gatewayId: 'dock-gw-1',
    });
    await publisher.publishAsync(EVENTS_TOPIC, JSON.stringify(document), { qos: 1 });
    await waitFor(() => (harness.cloud.consumer.stats().eventsApplied === 2 ? true : undefined), 10_000, 'both events');

    const response = await fetch(`${harness.cloud.httpUrl}/events?EQ_bizStep=receiving`);
    expect(response.status).toBe(200);
    expect(response.headers.get('gs1-epcis-version')).toBe('2.0.0');
    const body = (await response.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: EpcisEvent[] } } };
    };
    const ids = body.epcisBody.queryResults.resultsBody.eventList.map((event) => event.eventID);
    expect(ids).toEqual([current.eventID, legacy.eventID]);
    const byEpc = await fetch(`${harness.cloud.httpUrl}/epcs/${encodeURIComponent(epc(2))}/events`);
    expect(((await byEpc.json()) as typeof body).epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
  });

  it('keeps dead-lettered events out of the repository, as captures do', async () => {
    const unmapped = receivingEvent({
      epcList: [epc(3)],
      quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0614141.100001.*', quantity: 1 }],
    });
    const document = buildEpcisDocument([unmapped], {
      creationDate: '2026-11-25T10:02:01.000Z',
      gatewayId: 'dock-gw-1',
    });
    const before = harness.cloud.consumer.stats().messagesReceived;
    await publisher.publishAsync(EVENTS_TOPIC, JSON.stringify(document), { qos: 1 });
    await waitFor(
      () => (harness.cloud.consumer.stats().messagesReceived > before ? true : undefined),
      10_000,
      'the message',
    );
    await waitFor(
      () => (harness.cloud.consumer.stats().deadLettered['SW_INGEST_EVENT_UNMAPPED'] ? true : undefined),
      10_000,
      'the dead letter',
    );
    expect(await harness.cloud.epcis.repository.eventById(unmapped.eventID)).toBeUndefined();
  });
});
