/**
 * `npm run bench -- outbox`: the gateway's outbox drain after an outage. An SQLite outbox
 * (WAL, synchronous=FULL, a file on disk in a temp dir) is filled with N single-item
 * movements, then drained through the REAL publisher and MQTT connection to a broker on
 * 127.0.0.1 and a plain QoS 1 subscriber that parses and counts the events. In the same run
 * the transport baseline: the same documents, prepared in RAM, published by a plain mqtt.js
 * client at the same QoS with the same in-flight window; the ratio is printed. Peak RSS and
 * heap growth are sampled during the drain (the broker, when aedes, runs in this process).
 * A second drain runs with `mqtt.confirmation: cloud`: the subscriber publishes the retained
 * committed watermark every 20 ms and rows leave the outbox only once it covers them.
 *
 *   OUTBOX_BENCH_EVENTS=100000 OUTBOX_BENCH_BROKERS=aedes,mosquitto npm run bench -- outbox
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { systemClock } from '../../shared/src/clock.js';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { silentLogger } from '../../shared/src/log.js';
import { followCommitted } from '../../gateway/src/daemon/committed.js';
import { MqttConfigSchema, type MqttConfig } from '../../gateway/src/mqtt/config.js';
import { createMqttConnection } from '../../gateway/src/mqtt/connection.js';
import { createPublisher, documentText } from '../../gateway/src/mqtt/publisher.js';
import { createOutbox, type Outbox } from '../../gateway/src/outbox/outbox.js';
import { openSqliteOutboxStore } from '../../gateway/src/outbox/sqlite-store.js';
import type { OutboxRow } from '../../gateway/src/outbox/store.js';
import { sampleEvent } from '../../gateway/test/outbox/fixtures.js';
import { startMosquitto } from '../../test/support/mosquitto.js';
import { holdsWithin } from '../../test/support/wait.js';

const EVENTS_DEFAULT = 100_000;
/** Bounded: the baseline holds every document in RAM. */
const EVENTS_MAX = 1_000_000;
const APPEND_CHUNK = 1_000;
const DRAIN_TIMEOUT_MS = 300_000;
const SAMPLE_INTERVAL_MS = 25;
const SITE = 'bench-site';
const GATEWAY = 'bench-gw';
const TOPIC = gatewayTopic(SITE, GATEWAY, 'events');
const COMMITTED_TOPIC = gatewayTopic(SITE, GATEWAY, 'committed');
/** How often the bench's stand-in cloud publishes its committed watermark. */
const CONFIRM_INTERVAL_MS = 20;

interface Broker {
  name: string;
  url: string;
  close(): Promise<void>;
}

async function startBroker(kind: string): Promise<Broker> {
  if (kind === 'mosquitto') {
    const running = await startMosquitto({ extraConfig: ['max_queued_messages 0', 'max_inflight_messages 0'] });
    return { name: 'Mosquitto', url: running.url, close: () => running.remove() };
  }
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    allowAnonymous: true,
    logger: silentLogger(),
  });
  return { name: 'aedes (in process)', url: `mqtt://127.0.0.1:${broker.port}`, close: () => broker.close() };
}

function fillOutbox(outbox: Outbox, events: number): void {
  for (let start = 0; start < events; start += APPEND_CHUNK) {
    const count = Math.min(APPEND_CHUNK, events - start);
    outbox.append(Array.from({ length: count }, (_, offset) => sampleEvent(start + offset, GATEWAY)));
  }
}

interface ReceivedDocument {
  'stockwire:sequence'?: number;
  epcisBody: { eventList: unknown[] };
}

/**
 * The plain QoS 1 subscriber: parses every document and counts its events. With `confirm`
 * it also plays the cloud of `mqtt.confirmation: cloud`: every CONFIRM_INTERVAL_MS it
 * publishes the retained committed watermark (the highest sequence received; one publisher, in order).
 */
async function startCounter(
  url: string,
  confirm = false,
): Promise<{ events: () => number; close: () => Promise<void> }> {
  const client = await mqtt.connectAsync(url, { clientId: `bench-counter-${Date.now()}`, clean: true });
  let events = 0;
  let receivedThrough = 0;
  let confirmedThrough = 0;
  client.on('message', (_topic, payload) => {
    const document = JSON.parse(payload.toString('utf8')) as ReceivedDocument;
    events += document.epcisBody.eventList.length;
    const first = document['stockwire:sequence'] ?? 0;
    receivedThrough = Math.max(receivedThrough, first + document.epcisBody.eventList.length - 1);
  });
  const timer = setInterval(() => {
    if (!confirm || receivedThrough === confirmedThrough) return;
    confirmedThrough = receivedThrough;
    const committed = JSON.stringify({ committedThrough: confirmedThrough, time: new Date().toISOString() });
    client.publish(COMMITTED_TOPIC, committed, { qos: 1, retain: true });
  }, CONFIRM_INTERVAL_MS);
  await client.subscribeAsync(TOPIC, { qos: 1 });
  return {
    events: () => events,
    close: async () => {
      clearInterval(timer);
      // Clear the retained watermark so the next run starts from nothing.
      if (confirm) await client.publishAsync(COMMITTED_TOPIC, '', { qos: 1, retain: true });
      await client.endAsync();
    },
  };
}

/** Peak RSS and heap above the level at start, sampled on a timer while a run goes. */
function memorySampler(): { stop: () => { rssStartMiB: number; rssPeakMiB: number; heapDeltaMiB: number } } {
  const heapStart = process.memoryUsage().heapUsed;
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  let heapPeak = heapStart;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    rssPeak = Math.max(rssPeak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
  }, SAMPLE_INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      return {
        rssStartMiB: rssStart / 2 ** 20,
        rssPeakMiB: rssPeak / 2 ** 20,
        heapDeltaMiB: (heapPeak - heapStart) / 2 ** 20,
      };
    },
  };
}

interface DrainResult {
  eventsPerSecond: number;
  seconds: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  heapDeltaMiB: number;
}

/** The gateway's own connection and publisher (and, with `cloud`, its committed-watermark follower). */
function gatewaySide(url: string, outbox: Outbox, mqttConfig: MqttConfig) {
  const connection = createMqttConnection(
    { ...mqttConfig, url },
    { siteId: SITE, gatewayId: GATEWAY },
    { clock: systemClock, logger: silentLogger() },
  );
  const publisher = createPublisher({
    client: connection.client,
    outbox,
    topic: TOPIC,
    gatewayId: GATEWAY,
    eventsPerMessageMax: mqttConfig.eventsPerMessageMax,
    messageBytesMax: mqttConfig.messageBytesMax,
    inflightMessagesMax: mqttConfig.inflightMessagesMax,
    confirmation: mqttConfig.confirmation,
    clock: systemClock,
    logger: silentLogger(),
  });
  if (mqttConfig.confirmation === 'cloud')
    followCommitted(connection, { siteId: SITE, gatewayId: GATEWAY }, publisher, silentLogger());
  return { connection, publisher };
}

/**
 * Drains a filled outbox through the gateway's own connection and publisher; timed from the
 * first CONNACK until the subscriber has every event and the outbox is empty.
 */
async function drainRun(url: string, dir: string, events: number, mqttConfig: MqttConfig): Promise<DrainResult> {
  const outbox = createOutbox(openSqliteOutboxStore(join(dir, `outbox-${mqttConfig.confirmation}.sqlite`)), {
    eventsMax: EVENTS_MAX,
    bytesMax: 2 ** 31,
    overflowPolicy: 'block',
    warnFillRatio: 0.8,
  });
  fillOutbox(outbox, events);
  const counter = await startCounter(url, mqttConfig.confirmation === 'cloud');
  global.gc?.();
  const memory = memorySampler();
  const { connection, publisher } = gatewaySide(url, outbox, mqttConfig);
  let startedMs = 0;
  connection.onConnect(() => {
    if (startedMs === 0) startedMs = performance.now();
    publisher.pump();
  });
  try {
    const delivered = await holdsWithin(
      () => counter.events() >= events && outbox.fill().depth === 0,
      DRAIN_TIMEOUT_MS,
    );
    const seconds = (performance.now() - startedMs) / 1_000;
    const usage = memory.stop();
    if (!delivered) throw new Error(`drain timed out: ${counter.events()} of ${events} delivered`);
    return { eventsPerSecond: events / seconds, seconds, ...usage };
  } finally {
    publisher.stop();
    await connection.close();
    await counter.close();
    outbox.close();
  }
}

/** The same documents the publisher sends, built in RAM before the clock starts. */
function documents(events: number, eventsPerMessage: number): string[] {
  const texts: string[] = [];
  const creationDate = new Date().toISOString();
  for (let start = 0; start < events; start += eventsPerMessage) {
    const rows: OutboxRow[] = [];
    for (let index = start; index < Math.min(events, start + eventsPerMessage); index += 1) {
      const payload = JSON.stringify(sampleEvent(index, GATEWAY));
      rows.push({ sequence: index + 1, eventId: `e${index}`, payload, bytes: payload.length });
    }
    texts.push(documentText(rows, GATEWAY, creationDate));
  }
  return texts;
}

/** A plain mqtt.js client keeping `window` QoS 1 publishes in flight. */
function publishAll(client: MqttClient, texts: readonly string[], window: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let acked = 0;
    const send = (): void => {
      const text = texts[next];
      next += 1;
      if (text === undefined) return;
      client.publish(TOPIC, text, { qos: 1 }, (error) => {
        if (error) return reject(error);
        acked += 1;
        if (acked === texts.length) resolve();
        else send();
      });
    };
    for (let slot = 0; slot < Math.min(window, texts.length); slot += 1) send();
  });
}

async function transportRun(url: string, events: number, mqttConfig: MqttConfig): Promise<number> {
  const texts = documents(events, mqttConfig.eventsPerMessageMax);
  const counter = await startCounter(url);
  const client = await mqtt.connectAsync(url, { clientId: `bench-plain-${Date.now()}`, clean: true });
  try {
    const startedMs = performance.now();
    await publishAll(client, texts, mqttConfig.inflightMessagesMax);
    if (!(await holdsWithin(() => counter.events() >= events, DRAIN_TIMEOUT_MS)))
      throw new Error(`transport timed out: ${counter.events()} of ${events} delivered`);
    return events / ((performance.now() - startedMs) / 1_000);
  } finally {
    await client.endAsync();
    await counter.close();
  }
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US');

async function benchBroker(kind: string, events: number, mqttConfig: MqttConfig): Promise<void> {
  const broker = await startBroker(kind);
  const dir = mkdtempSync(join(tmpdir(), 'stockwire-outbox-bench-'));
  try {
    const drain = await drainRun(broker.url, dir, events, mqttConfig);
    const confirmed = await drainRun(broker.url, dir, events, { ...mqttConfig, confirmation: 'cloud' });
    const transport = await transportRun(broker.url, events, mqttConfig);
    process.stdout.write(
      `${broker.name}: outbox drain ${format(drain.eventsPerSecond)} events/s (${drain.seconds.toFixed(2)} s), ` +
        `with cloud confirmation ${format(confirmed.eventsPerSecond)} events/s (${confirmed.seconds.toFixed(2)} s), ` +
        `transport baseline ${format(transport)} events/s, ratio ${(drain.eventsPerSecond / transport).toFixed(2)} ` +
        `/ ${(confirmed.eventsPerSecond / transport).toFixed(2)}; ` +
        `RSS ${drain.rssStartMiB.toFixed(0)} → peak ${drain.rssPeakMiB.toFixed(0)} MiB, heap +${drain.heapDeltaMiB.toFixed(0)} MiB\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await broker.close();
  }
}

export async function run(): Promise<void> {
  const events = Math.min(EVENTS_MAX, Number(process.env['OUTBOX_BENCH_EVENTS'] ?? EVENTS_DEFAULT));
  const brokers = (process.env['OUTBOX_BENCH_BROKERS'] ?? 'aedes,mosquitto').split(',');
  const inflight = process.env['OUTBOX_BENCH_INFLIGHT'];
  const mqttConfig = MqttConfigSchema.parse(inflight === undefined ? {} : { inflightMessagesMax: Number(inflight) });
  process.stdout.write(
    `${format(events)} single-item movements in an SQLite outbox (WAL, synchronous=FULL); ` +
      `${mqttConfig.eventsPerMessageMax} events/message, ${mqttConfig.inflightMessagesMax} in flight; ` +
      `load ${loadavg()[0]?.toFixed(2)} before\n`,
  );
  for (const kind of brokers) await benchBroker(kind, events, mqttConfig);
  process.stdout.write(`load ${loadavg()[0]?.toFixed(2)} after\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
