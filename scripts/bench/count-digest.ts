/**
 * Count digests: bytes per shelf count on the wire, before (the whole EPC set, `counts.digests: false`)
 * and after (a digest + the changes since the previous count), for a 1,000-EPC shelf with 0, 10 and 50
 * changed EPCs (half gone, half new). Each count goes through the gateway's own CountDigester and the
 * publisher's document serialisation, is published at QoS 1 through an embedded aedes broker on
 * 127.0.0.1, and a plain subscriber measures the MQTT payload bytes it receives. Also times the digest
 * work per count on both sides (gateway shape, cloud confirm against 1,000 booked EPCs).
 *
 *   npm run bench -- count-digest        (a few seconds)
 */
import { loadavg } from 'node:os';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { confirmDigest } from '../../cloud/src/ingest/count-digest.js';
import { COUNT_DIGEST_EXTENSION, CountDigestSchema } from '../../shared/src/contracts/count-digest.js';
import type { EpcisEvent, ObjectEvent } from '../../shared/src/contracts/epcis.js';
import { silentLogger } from '../../shared/src/log.js';
import { CountDigestConfigSchema } from '../../gateway/src/counts/config.js';
import { CountDigester } from '../../gateway/src/counts/digester.js';
import { buildObjectEvent } from '../../gateway/src/debounce/events.js';
import { documentText } from '../../gateway/src/mqtt/publisher.js';

const SHELF_EPCS = 1_000;
const CHANGES = [0, 10, 50];
const TIMING_ROUNDS = 200;
const SHELF = 'urn:stockwire:loc:store-1:shelf-b2';
const T0 = Date.UTC(2026, 11, 5, 6, 0, 0);
const TOPIC = 'stockwire/v1/store-1/gw-shelf/events';

/** SGTIN-96 URNs as a shelf reports them (GTIN 00614141200016, 9-digit serials). */
const urn = (serial: number) => `urn:epc:id:sgtin:0614141.020001.${100_000_000 + serial}`;
const shelfSet = (from: number) => Array.from({ length: SHELF_EPCS }, (_, index) => urn(from + index));

/** A count as the engine emits it (gateway/src/debounce/shelf.ts emitCount). */
function countEvent(epcs: readonly string[], timeMs: number): ObjectEvent {
  return buildObjectEvent(
    {
      eventTimeMs: timeMs,
      timeZoneOffset: '+00:00',
      bizStep: 'cycle_counting',
      readPoint: SHELF,
      bizLocation: SHELF,
      extensions: { 'stockwire:shelf': 'b2', 'stockwire:count': { tags: epcs.length, roundsClosed: 906 } },
    },
    [...epcs].sort(),
  );
}

/** The next count: `changed` EPCs differ from the first set (half removed, half added). */
function changedSet(changed: number): string[] {
  const removed = Math.floor(changed / 2);
  const base = shelfSet(0).slice(removed);
  for (let index = 0; index < changed - removed; index++) base.push(urn(SHELF_EPCS + index));
  return base;
}

/** Publishes one event as the gateway's publisher would (one count per document) and returns the payload bytes received. */
async function wireBytes(
  publisher: mqtt.MqttClient,
  received: () => Promise<number>,
  event: EpcisEvent,
): Promise<number> {
  const payload = JSON.stringify(event);
  const text = documentText(
    [{ sequence: 1, eventId: event.eventID, payload, bytes: Buffer.byteLength(payload) }],
    'gw-shelf',
    new Date(T0).toISOString(),
  );
  const arrived = received();
  await publisher.publishAsync(TOPIC, text, { qos: 1 });
  return arrived;
}

function shaped(digests: boolean, next: readonly string[]): EpcisEvent {
  const digester = new CountDigester(CountDigestConfigSchema.parse({ digests }));
  digester.shape([countEvent(shelfSet(0), T0)]);
  return digester.shape([countEvent(next, T0 + 900_000)])[0] as EpcisEvent;
}

function timePerCountUs(work: () => void): number {
  const started = process.hrtime.bigint();
  for (let round = 0; round < TIMING_ROUNDS; round++) work();
  return Number(process.hrtime.bigint() - started) / 1_000 / TIMING_ROUNDS;
}

export async function run(): Promise<void> {
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    allowAnonymous: true,
    logger: silentLogger(),
  });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const subscriber = await mqtt.connectAsync(url, { clientId: 'bench-subscriber' });
  const publisher = await mqtt.connectAsync(url, { clientId: 'bench-publisher' });
  const waiting: ((bytes: number) => void)[] = [];
  subscriber.on('message', (_topic, payload) => waiting.shift()?.(payload.length));
  await subscriber.subscribeAsync(TOPIC, { qos: 1 });
  const received = () => new Promise<number>((resolve) => waiting.push(resolve));
  try {
    const rows: { changed: number; fullBytes: number; digestBytes: number }[] = [];
    for (const changed of CHANGES) {
      const next = changedSet(changed);
      const fullBytes = await wireBytes(publisher, received, shaped(false, next));
      const digestEvent = shaped(true, next) as ObjectEvent;
      if (digestEvent[COUNT_DIGEST_EXTENSION] === undefined) throw new Error('expected a digest count');
      rows.push({ changed, fullBytes, digestBytes: await wireBytes(publisher, received, digestEvent) });
    }
    const [cpuShapeUs, cpuConfirmUs] = timings();
    const load = loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
    process.stdout.write(`count digests: ${SHELF_EPCS}-EPC shelf, MQTT payload bytes per count (load ${load})\n`);
    process.stdout.write('changed EPCs | full set (before) | digest + changes (after) | after/before | saved\n');
    for (const row of rows) {
      const ratio = row.digestBytes / row.fullBytes;
      process.stdout.write(
        `${String(row.changed).padStart(12)} | ${String(row.fullBytes).padStart(17)} | ${String(row.digestBytes).padStart(24)} | ${ratio.toFixed(4).padStart(12)} | ${(row.fullBytes / row.digestBytes).toFixed(0)}x\n`,
      );
    }
    process.stdout.write(
      `CPU per count: gateway shape (changes + SHA-256 + event hash) ${cpuShapeUs.toFixed(0)} µs; cloud confirm against ${SHELF_EPCS} booked EPCs ${cpuConfirmUs.toFixed(0)} µs\n`,
    );
  } finally {
    await subscriber.endAsync();
    await publisher.endAsync();
    await broker.close();
  }
}

function timings(): [number, number] {
  const next = changedSet(10);
  const digester = new CountDigester(CountDigestConfigSchema.parse({ fullEveryCounts: 100_000 }));
  const events = [countEvent(shelfSet(0), T0), countEvent(next, T0 + 60_000)];
  digester.shape([events[0] as EpcisEvent]);
  let flip = 1;
  const shapeUs = timePerCountUs(() => {
    digester.shape([events[flip] as EpcisEvent]);
    flip = 1 - flip;
  });
  const digest = CountDigestSchema.parse((shaped(true, next) as ObjectEvent)[COUNT_DIGEST_EXTENSION]);
  const books = shelfSet(0);
  const confirmUs = timePerCountUs(() => {
    if (!confirmDigest(books, digest).agrees) throw new Error('bench digest should agree');
  });
  return [shapeUs, confirmUs];
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
