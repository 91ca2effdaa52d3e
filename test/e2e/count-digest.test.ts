import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/src/clock.js';
import {
  COUNT_DIGEST_EXTENSION,
  CountCommandSchema,
  FULL_COUNT_EXTENSION,
  type CountCommand,
} from '../../shared/src/contracts/count-digest.js';
import { EpcisDocumentSchema, type ObjectEvent } from '../../shared/src/contracts/epcis.js';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { encodeSgtin96 } from '../../shared/src/epc/index.js';
import { silentLogger } from '../../shared/src/log.js';
import type { EmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { GatewayConfigSchema } from '../../gateway/src/config.js';
import { createGatewayDaemon, type GatewayDaemon } from '../../gateway/src/daemon.js';
import { createDebounceEngine } from '../../gateway/src/debounce/engine.js';
import { createNotifier } from '../../gateway/src/systemd/notify.js';
import { FakeReader } from '../../gateway/test/daemon/fakes.js';
import { startLoopbackBroker } from '../support/broker.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';
import { waitFor } from '../support/wait.js';

/**
 * Count digests over real MQTT: the real gateway daemon (real debounce engine, a fake reader
 * feeding shelf reads) → aedes with the production ACLs → the real cloud on SQLite. The books
 * drift (a sale of an item still on the shelf), the next digest disagrees, the cloud asks on the
 * gateway's commands topic, the gateway answers with a full count, and the books agree again.
 */

const SITE = 'store-1';
const GATEWAY = 'gw-shelf';
const SHELF = 'b2';
const SHELF_LOCATION = 'urn:stockwire:loc:store-1:shelf-b2';
// Still water 500 ml (GTIN 00614141200016) in the demo catalog.
const hexEpcs = Array.from({ length: 20 }, (_, index) =>
  encodeSgtin96({ filter: 1, companyPrefix: '0614141', indicatorAndItemReference: '020001', serial: 5_000 + index }),
);
const urnOf = (serial: number) => `urn:epc:id:sgtin:0614141.020001.${serial}`;

let broker: EmbeddedBroker;
let cloud: CloudService;
let daemon: GatewayDaemon;
let reader: FakeReader | undefined;
let readTimer: ReturnType<typeof setInterval> | undefined;
const directory = mkdtempSync(join(tmpdir(), 'stockwire-digest-'));

beforeAll(async () => {
  broker = await startLoopbackBroker([
    { username: GATEWAY, password: 'gw-pw', role: 'gateway', siteId: SITE, gatewayId: GATEWAY },
    { username: 'cloud', password: 'cloud-pw', role: 'cloud' },
  ]);
  const url = `mqtt://127.0.0.1:${broker.port}`;
  cloud = await startCloudService(
    CloudConfigSchema.parse({
      catalogFile: 'catalog.yaml',
      store: { kind: 'sqlite', path: join(directory, 'ledger.sqlite') },
      mqtt: { url, clientId: 'cloud-digest', username: 'cloud', password: 'cloud-pw' },
      http: { port: 0, publicRead: true },
      ingest: { countDigestRequestIntervalMs: 1_000 },
    }),
    { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock },
  );
  const config = GatewayConfigSchema.parse({
    siteId: SITE,
    gatewayId: GATEWAY,
    readers: [{ id: 'shelf-reader', protocol: 'simulated', scenario: {} }],
    mqtt: { url, username: GATEWAY, password: 'gw-pw' },
    outbox: { path: join(directory, 'outbox.sqlite') },
    debounce: {
      tickIntervalMs: 20,
      shelves: [
        {
          id: SHELF,
          location: SHELF_LOCATION,
          antennas: [{ reader: 'shelf-reader', antenna: 1 }],
          roundMs: 100,
          countIntervalMs: 1_000,
        },
      ],
    },
    counts: { fullEveryCounts: 1_000 },
  });
  daemon = createGatewayDaemon({
    config,
    clock: systemClock,
    logger: silentLogger(),
    notifier: createNotifier({ logger: silentLogger(), environment: {} }),
    parts: {
      createEngine: (gatewayConfig) =>
        createDebounceEngine(gatewayConfig.debounce, { siteId: SITE, gatewayId: GATEWAY }),
      createReader: (readerConfig) => (reader = new FakeReader(readerConfig.id, readerConfig)),
    },
  });
  await daemon.start();
  // The shelf's reader: every tag, every 50 ms (two reads per 100 ms round).
  readTimer = setInterval(() => {
    for (const epc of hexEpcs) reader?.emit({ epc, antenna: 1, rssi: -50, time: Date.now(), reader: 'shelf-reader' });
  }, 50);
}, 30_000);

afterAll(async () => {
  if (readTimer) clearInterval(readTimer);
  await daemon?.stop('test over');
  await cloud?.stop();
  await broker?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function booksOnShelf(): Promise<string[]> {
  const rows = await cloud.store.epcsWhere({ status: 'in_stock', locations: [SHELF_LOCATION], limit: 1_000 });
  return rows.map((row) => row.epc).sort();
}

describe('count digests end to end (aedes, real gateway daemon, real cloud)', () => {
  it('a drift in the books makes the cloud ask for the full set, and the full count puts them right', async () => {
    const observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      clientId: 'observer',
      username: 'cloud',
      password: 'cloud-pw',
    });
    const commands: CountCommand[] = [];
    const counts: ObjectEvent[] = [];
    observer.on('message', (topic, payload) => {
      const json: unknown = JSON.parse(payload.toString('utf8'));
      if (topic.endsWith('/commands')) commands.push(CountCommandSchema.parse(json));
      else
        for (const event of EpcisDocumentSchema.parse(json).epcisBody.eventList)
          if (event.type === 'ObjectEvent' && event.bizStep === 'cycle_counting') counts.push(event);
    });
    await observer.subscribeAsync([gatewayTopic(SITE, GATEWAY, 'events'), gatewayTopic(SITE, GATEWAY, 'commands')], {
      qos: 1,
    });
    try {
      const expected = hexEpcs.map((_, index) => urnOf(5_000 + index)).sort();
      // First count after start: full; the books hold the shelf. Then digests, which the books confirm.
      await waitFor(async () => ((await booksOnShelf()).length === 20 ? true : undefined), 15_000, 'first full count');
      await waitFor(
        () => (cloud.consumer.stats().countDigests.digestsAgreed >= 1 ? true : undefined),
        15_000,
        'a digest the books confirm',
      );
      expect(counts[0]?.[FULL_COUNT_EXTENSION]).toBe('first');
      expect(counts.some((event) => event[COUNT_DIGEST_EXTENSION] !== undefined && event.epcList.length === 0)).toBe(
        true,
      );
      expect(commands).toEqual([]);

      // Drift: the books sell an item the shelf still holds (a till scanned the wrong tag).
      const drifted = expected[0] as string;
      const [sale] = await cloud.store.applyBatch([
        { id: 'drift-sale-1', site: SITE, type: 'sale', location: SHELF_LOCATION, epcs: [drifted] },
      ]);
      expect(sale?.status).toBe('applied');
      expect(await booksOnShelf()).not.toContain(drifted);

      const command = await waitFor(() => commands[0], 15_000, 'full-count request on the commands topic');
      expect(command).toMatchObject({ command: 'full_count', shelf: SHELF, location: SHELF_LOCATION });
      await waitFor(
        () => counts.find((event) => event[FULL_COUNT_EXTENSION] === 'requested'),
        15_000,
        'the gateway answers with a full count',
      );
      await waitFor(async () => ((await booksOnShelf()).includes(drifted) ? true : undefined), 15_000, 'books fixed');
      expect(await booksOnShelf()).toEqual(expected);
      // And the digests after it agree again.
      const agreedBefore = cloud.consumer.stats().countDigests.digestsAgreed;
      await waitFor(
        () => (cloud.consumer.stats().countDigests.digestsAgreed > agreedBefore ? true : undefined),
        15_000,
        'a digest agreeing after the full count',
      );
      expect(cloud.consumer.stats().countDigests).toMatchObject({ fullCountRequests: 1 });
    } finally {
      await observer.endAsync();
    }
  }, 90_000);
});
