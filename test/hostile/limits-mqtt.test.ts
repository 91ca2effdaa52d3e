import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEpcisDocument, type ObjectEvent } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { DEADLETTER_TOPIC } from '../../shared/src/contracts/topics.js';
import { DeadLetterSchema, type DeadLetter } from '../../cloud/src/ingest/deadletter.js';
import { connectClient, startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { receivingEvent } from '../support/epcis-events.js';
import { until } from '../support/wait.js';

/** Issue 12, finding 1 over MQTT: a 15-digit quantityList is dead-lettered, and ingest and the books go on. */
describe('magnitude limit over MQTT', () => {
  let harness: CloudHarness;
  let publisher: MqttClient;
  let watcher: MqttClient;
  const letters: DeadLetter[] = [];

  beforeAll(async () => {
    harness = await startCloudHarness();
    watcher = await connectClient(harness.mqttUrl, 'dl-watcher');
    watcher.on('message', (_topic, payload) => letters.push(DeadLetterSchema.parse(JSON.parse(payload.toString()))));
    await watcher.subscribeAsync(DEADLETTER_TOPIC, { qos: 1 });
    publisher = await connectClient(harness.mqttUrl, 'dock-gw-1');
  }, 30_000);
  afterAll(async () => {
    await publisher?.endAsync();
    await watcher?.endAsync();
    await harness?.stop();
  });

  const publish = (events: ObjectEvent[]) =>
    publisher.publishAsync(
      'stockwire/v1/store-1/dock-gw-1/events',
      JSON.stringify(buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: 'dock-gw-1' })),
      { qos: 1 },
    );

  it('dead-letters a quantityList of 999999999999999 and keeps booking', async () => {
    const huge = withEventId({
      ...receivingEvent({ epcList: [] }),
      quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0614141.100001.*', quantity: 999_999_999_999_999 }],
    });
    await publish([huge]);
    await until(() => letters.some((letter) => letter.eventId === huge.eventID), 10_000, 'the dead letter');
    expect(letters.find((letter) => letter.eventId === huge.eventID)?.reason).toContain('beyond the ledger limit');
    await publish([receivingEvent({ epcList: ['urn:epc:id:sgtin:0614141.100001.77'] })]);
    await until(() => harness.cloud.consumer.stats().eventsApplied === 1, 10_000, 'the good event');
    expect((await harness.cloud.store.trialBalance()).balanced).toBe(true);
    expect((await harness.cloud.store.check()).ok).toBe(true);
    expect(harness.cloud.consumer.stats().storeFailures).toBe(0);
  });
});
