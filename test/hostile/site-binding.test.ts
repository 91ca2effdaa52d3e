import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEpcisDocument, type ObjectEvent } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { DEADLETTER_TOPIC } from '../../shared/src/contracts/topics.js';
import { DeadLetterSchema, type DeadLetter } from '../../cloud/src/ingest/deadletter.js';
import { connectClient, startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { until } from '../support/wait.js';

/**
 * Issue 12, finding 3: a gateway books only at its own site. Real aedes, the real cloud
 * service on SQLite with the demo catalog (store-1; store-2 locations register on first use).
 */
const epc = (serial: number) => `urn:epc:id:sgtin:0614141.100001.${serial}`;
const loc = (site: string, zone: string) => `urn:stockwire:loc:${site}:${zone}`;

function event(bizStep: 'receiving' | 'shipping', site: string, zone: string, serials: number[]): ObjectEvent {
  return withEventId({
    type: 'ObjectEvent' as const,
    eventTime: '2026-11-25T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE' as const,
    bizStep,
    readPoint: { id: loc(site, 'door-1') },
    bizLocation: { id: loc(site, zone) },
    epcList: serials.map(epc),
  });
}

describe('site binding of gateways', () => {
  let harness: CloudHarness;
  const clients = new Map<string, MqttClient>();
  const letters: DeadLetter[] = [];

  beforeAll(async () => {
    harness = await startCloudHarness({ ingest: { crossSiteGateways: ['dc-1/dc-gw-1'] } });
    const watcher = await connectClient(harness.mqttUrl, 'dl-watcher');
    watcher.on('message', (_topic, payload) => letters.push(DeadLetterSchema.parse(JSON.parse(payload.toString()))));
    await watcher.subscribeAsync(DEADLETTER_TOPIC, { qos: 1 });
    clients.set('watcher', watcher);
  }, 30_000);
  afterAll(async () => {
    for (const client of clients.values()) await client.endAsync();
    await harness.stop();
  });

  async function publish(site: string, gateway: string, events: ObjectEvent[]): Promise<void> {
    let client = clients.get(`${site}/${gateway}`);
    if (!client) clients.set(`${site}/${gateway}`, (client = await connectClient(harness.mqttUrl, gateway)));
    const before = harness.cloud.consumer.stats().messagesReceived;
    const document = buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: gateway });
    await client.publishAsync(`stockwire/v1/${site}/${gateway}/events`, JSON.stringify(document), { qos: 1 });
    await until(() => harness.cloud.consumer.stats().messagesReceived > before, 10_000, 'the message');
  }
  const whereIs = async (serial: number) => (await harness.cloud.store.epcHistory(epc(serial))).current;
  const letterFor = async (eventId: string) => {
    await until(() => letters.some((letter) => letter.eventId === eventId), 10_000, `dead letter of ${eventId}`);
    return letters.find((letter) => letter.eventId === eventId);
  };

  it("refuses a receipt at another site's location", async () => {
    const receipt = event('receiving', 'store-2', 'backroom', [1]);
    await publish('store-1', 'dock-gw-1', [receipt]);
    const letter = await letterFor(receipt.eventID);
    expect(letter?.code).toBe('SW_INGEST_SITE_MISMATCH');
    expect(letter?.reason).toContain(
      'a gateway of site store-1 may not book stock into urn:stockwire:loc:store-2:backroom',
    );
    expect(await whereIs(1)).toBeNull();
  });

  it("refuses to ship an EPC out of another site's backroom", async () => {
    await publish('store-1', 'dock-gw-1', [event('receiving', 'store-1', 'backroom', [2])]);
    expect((await whereIs(2))?.location).toBe(loc('store-1', 'backroom'));
    const shipment = event('shipping', 'store-2', 'door-1', [2]);
    await publish('store-2', 'dock-gw-9', [shipment]);
    const letter = await letterFor(shipment.eventID);
    expect(letter?.code).toBe('SW_INGEST_SITE_MISMATCH');
    expect(letter?.reason).toContain('take stock out of urn:stockwire:loc:store-1:backroom');
    expect((await whereIs(2))?.location).toBe(loc('store-1', 'backroom'));
    expect((await harness.cloud.store.check()).ok).toBe(true);
  });

  it("still receives EPCs that sit in another site's in-transit location", async () => {
    await publish('store-1', 'dock-gw-1', [event('receiving', 'store-1', 'backroom', [3])]);
    await publish('store-1', 'dock-gw-1', [event('shipping', 'store-1', 'door-3', [3])]);
    expect((await whereIs(3))?.location).toBe(loc('store-1', 'in-transit'));
    await publish('store-2', 'dock-gw-9', [event('receiving', 'store-2', 'backroom', [3])]);
    expect(await whereIs(3)).toMatchObject({ location: loc('store-2', 'backroom'), status: 'in_stock' });
    expect((await harness.cloud.store.check()).ok).toBe(true);
  });

  it('lets a gateway declared cross-site book at another site', async () => {
    await publish('dc-1', 'dc-gw-1', [event('receiving', 'store-1', 'backroom', [4])]);
    expect((await whereIs(4))?.location).toBe(loc('store-1', 'backroom'));
  });
});
