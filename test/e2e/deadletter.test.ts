import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { buildEpcisDocument, type ObjectEvent } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { DEADLETTER_TOPIC } from '../../shared/src/contracts/topics.js';
import { DeadLetterSchema, type DeadLetter } from '../../cloud/src/ingest/deadletter.js';
import { connectClient, startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { waitFor } from '../support/wait.js';
import { receivingEvent } from '../support/epcis-events.js';

const EVENTS_TOPIC = 'stockwire/v1/store-1/dock-gw-1/events';

function receiving(serial: number, extra: Record<string, unknown> = {}): ObjectEvent {
  // GTIN 10614141000019 (demo catalog): indicator 1, company 0614141, item 00001.
  return receivingEvent({ epcList: [`urn:epc:id:sgtin:0614141.100001.${serial}`], ...extra });
}

function documentOf(events: ObjectEvent[]): string {
  return JSON.stringify(
    buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: 'dock-gw-1' }),
  );
}

/**
 * Bad input over real MQTT (embedded aedes) into the real cloud service: each refused
 * message reaches the dead-letter topic with a coded reason, and the ledger is unchanged.
 */
describe.each([
  { verifyEventIds: true, conflictCode: 'SW_INGEST_EVENT_ID_MISMATCH' },
  // Producers whose ids are not our content hashes: the ledger's idempotency check catches the conflict.
  { verifyEventIds: false, conflictCode: 'SW_INGEST_ID_CONFLICT' },
])('dead letters (verifyEventIds: $verifyEventIds)', ({ verifyEventIds, conflictCode }) => {
  let harness: CloudHarness;
  let publisher: MqttClient;
  let watcher: MqttClient;
  const letters: DeadLetter[] = [];

  beforeAll(async () => {
    harness = await startCloudHarness({
      ingest: {
        verifyEventIds,
        payloadBytesMax: 64 * 1024,
        deadLetterPayloadBytesMax: 1024,
        storeRetryDelayMsMax: 1_000,
        trackedGatewaysMax: 10,
      },
    });
    watcher = await connectClient(harness.mqttUrl, 'dl-watcher');
    watcher.on('message', (_topic, payload) => letters.push(DeadLetterSchema.parse(JSON.parse(payload.toString()))));
    await watcher.subscribeAsync(DEADLETTER_TOPIC, { qos: 1 });
    publisher = await connectClient(harness.mqttUrl, 'dock-gw-1');
    // One good event first, so "unchanged" is checked against a non-empty ledger.
    await publisher.publishAsync(EVENTS_TOPIC, documentOf([receiving(1)]), { qos: 1 });
    await waitFor(
      () => (harness.cloud.consumer.stats().eventsApplied === 1 ? true : undefined),
      10_000,
      'the good event',
    );
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await watcher?.endAsync();
    await harness?.stop();
  });

  async function stockSnapshot(): Promise<string> {
    const response = await fetch(`${harness.cloud.httpUrl}/stock`);
    return response.text();
  }

  const original = receiving(1);
  const sameIdOtherPayload = { ...receiving(2), eventID: original.eventID };

  it.each([
    ['malformed JSON', EVENTS_TOPIC, '{"type":"EPCISDocument",', 'SW_INGEST_NOT_JSON', 'JSON'],
    [
      'a document of the wrong schema',
      EVENTS_TOPIC,
      JSON.stringify({ type: 'EPCISDocument', schemaVersion: '1.2' }),
      'SW_INGEST_SCHEMA',
      'schemaVersion',
    ],
    [
      'an unknown topic',
      'stockwire/v1/store-1/dock-gw-1/telemetry',
      documentOf([receiving(3)]),
      'SW_INGEST_UNKNOWN_TOPIC',
      'telemetry',
    ],
    [
      'a duplicate id with a different payload',
      EVENTS_TOPIC,
      documentOf([sameIdOtherPayload]),
      conflictCode,
      original.eventID,
    ],
    [
      'an unknown product',
      EVENTS_TOPIC,
      documentOf(
        [{ ...receiving(4), epcList: ['urn:epc:id:sgtin:0614141.199999.4'] }].map(({ eventID: _id, ...event }) =>
          withEventId(event),
        ),
      ),
      'SW_INGEST_EVENT_REJECTED',
      '19999',
    ],
  ])('refuses %s', async (_name, topic, payload, code, mentioned) => {
    const before = await stockSnapshot();
    const lettersBefore = letters.length;
    await publisher.publishAsync(topic, payload, { qos: 1 });
    const letter = await waitFor(
      () => letters.slice(lettersBefore).find((candidate) => candidate.code === code),
      10_000,
      `dead letter ${code}`,
    );
    expect(letter.reason).toContain(mentioned);
    expect(letter.topic).toBe(topic);
    expect(await stockSnapshot()).toBe(before);
    expect(harness.cloud.consumer.stats().deadLettered[code]).toBeGreaterThanOrEqual(1);
  });

  it('keeps consuming after bad input', async () => {
    const before = await stockSnapshot();
    const lettersBefore = letters.length;
    await publisher.publishAsync(EVENTS_TOPIC, documentOf([receiving(5)]), { qos: 1 });
    await waitFor(
      () => (harness.cloud.consumer.stats().eventsApplied >= 2 ? true : undefined),
      10_000,
      'a good event after the bad ones',
    );
    // Applied once (the first good event plus this one), booked, and not dead-lettered.
    expect(harness.cloud.consumer.stats().eventsApplied).toBe(2);
    expect(await stockSnapshot()).not.toBe(before);
    expect(letters.slice(lettersBefore)).toEqual([]);
  });
});
