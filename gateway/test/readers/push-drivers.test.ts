import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { systemClock } from '../../../shared/src/clock.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../../shared/src/log.js';
import { startImpinjIotSimulator, type ImpinjIotSimulator } from '../../../simulators/src/readers/impinj-iot-sim.js';
import { StaticTagSource } from '../../../simulators/src/readers/read-source.js';
import { startZebraIotSimulator, type ZebraIotSimulator } from '../../../simulators/src/readers/zebra-iot-sim.js';
import { holdsWithin } from '../../../test/support/wait.js';
import { ReaderConfigSchema } from '../../src/readers/config.js';
import type { GpiEvent } from '../../src/readers/driver.js';
import { createReaderDriver } from '../../src/readers/factory.js';
import type { ImpinjIotReaderDriver } from '../../src/readers/impinj-iot.js';
import { describeReaderDriverContract } from './support/contract.js';

/**
 * The JSON-pushing drivers against their simulators over real sockets on 127.0.0.1:
 * the Impinj IoT Device Interface HTTP stream (a real HTTP server that is stopped and
 * restarted on the same port to break the link), and the Zebra IoT Connector over a
 * real aedes broker (stopped and restarted to break the link).
 */
const deps = () => ({ clock: systemClock, logger: silentLogger() });
const reconnect = { initialDelayMs: 100, maxDelayMs: 500 };

function startBroker(port = 0): Promise<EmbeddedBroker> {
  return startEmbeddedBroker({ host: '127.0.0.1', port, logger: silentLogger(), allowAnonymous: true });
}

describeReaderDriverContract('impinj-iot http-stream', async () => {
  const source = new StaticTagSource();
  const start = (port: number) =>
    startImpinjIotSimulator({ source, clock: systemClock, port, eventIntervalMs: 50, keepAliveIntervalMs: 200 });
  let simulator: ImpinjIotSimulator | null = await start(0);
  const port = simulator.port;
  const driver = createReaderDriver(
    ReaderConfigSchema.parse({
      id: 'r700-dock',
      protocol: 'impinj-iot',
      baseUrl: `http://127.0.0.1:${port}`,
      silenceTimeoutMs: 1_000,
      reconnect,
    }),
    deps(),
  );
  return {
    driver,
    showTags: (epcs) => source.show(epcs, 1, -58.25),
    waitFor: holdsWithin,
    breakLink: async () => {
      await simulator?.close();
      simulator = null;
    },
    restoreLink: async () => {
      simulator = await start(port);
    },
    teardown: async () => simulator?.close(),
  };
});

describeReaderDriverContract('zebra-iot mqtt', async () => {
  const source = new StaticTagSource();
  let broker: EmbeddedBroker | null = await startBroker();
  const port = broker.port;
  const mqttUrl = `mqtt://127.0.0.1:${port}`;
  const driver = createReaderDriver(
    ReaderConfigSchema.parse({
      id: 'fx9600-dock',
      protocol: 'zebra-iot',
      mqtt: { url: mqttUrl, topic: 'zebra/fx9600/data', keepAliveSeconds: 5 },
      reconnect,
    }),
    deps(),
  );
  await driver.connect(); // subscribe before the simulator publishes (QoS 0 events are not retained)
  const simulator: ZebraIotSimulator = await startZebraIotSimulator({
    source,
    clock: systemClock,
    mqttUrl,
    dataTopic: 'zebra/fx9600/data',
    batchSize: 3,
    eventIntervalMs: 50,
  });
  return {
    driver,
    showTags: (epcs) => source.show(epcs, 2, -61),
    waitFor: holdsWithin,
    breakLink: async () => {
      await broker?.close();
      broker = null;
    },
    restoreLink: async () => {
      broker = await startBroker(port);
    },
    teardown: async () => {
      await simulator.close();
      await broker?.close();
    },
  };
});

describe('impinj-iot driver details', () => {
  it('starts and stops the configured preset over REST and forwards GPI transitions', async () => {
    const source = new StaticTagSource();
    source.show(['3039606303C74380001A0559'], 3, -47.5);
    const beams = { queue: [] as Array<{ port: number; state: boolean }>, take: () => beams.queue.splice(0) };
    const simulator = await startImpinjIotSimulator({ source, beams, clock: systemClock, port: 0, autoStart: false });
    const driver = createReaderDriver(
      ReaderConfigSchema.parse({
        id: 'r700',
        protocol: 'impinj-iot',
        baseUrl: simulator.baseUrl,
        presetId: 'dock-door',
      }),
      deps(),
    );
    const reads: RawRead[] = [];
    const gpis: GpiEvent[] = [];
    driver.onRead((read) => reads.push(read));
    driver.onGpi?.((event) => gpis.push(event));
    await driver.connect();
    await driver.start();
    expect(await holdsWithin(() => reads.length >= 2, 5_000)).toBe(true);
    expect(reads[0]).toMatchObject({ epc: '3039606303C74380001A0559', antenna: 3, rssi: -47.5, reader: 'r700' });
    beams.queue.push({ port: 1, state: true }, { port: 1, state: false });
    expect(await holdsWithin(() => gpis.length === 2, 5_000)).toBe(true);
    expect(gpis.map((event) => [event.port, event.state])).toEqual([
      [1, true],
      [1, false],
    ]);
    await driver.stop();
    expect(simulator.presetCalls).toEqual(['start dock-door', 'stop']);
    await driver.close();
    await simulator.close();
  });

  it('takes events from a webhook POST (array or NDJSON) and counts bad bodies', async () => {
    const driver = createReaderDriver(
      ReaderConfigSchema.parse({
        id: 'r660',
        protocol: 'impinj-iot',
        transport: 'webhook',
        webhook: { host: '127.0.0.1', port: 0 },
      }),
      deps(),
    ) as ImpinjIotReaderDriver;
    const reads: RawRead[] = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    await driver.start();
    const url = `http://127.0.0.1:${driver.webhookPort}/`;
    const tag = (epcHex: string) => ({
      eventType: 'tagInventory',
      tagInventoryEvent: { epcHex, antennaPort: 1, peakRssiCdbm: -6050 },
    });
    const post = (body: string) => fetch(url, { method: 'POST', body }).then((response) => response.status);
    expect(await post(JSON.stringify([tag('E2801160600002000000AAAA'), tag('E2801160600002000000BBBB')]))).toBe(204);
    expect(await post(`${JSON.stringify(tag('E2801160600002000000CCCC'))}\n{oops\n`)).toBe(204);
    expect(await holdsWithin(() => reads.length === 3, 5_000)).toBe(true);
    expect(reads.map((read) => read.rssi)).toEqual([-60.5, -60.5, -60.5]);
    expect(driver.health().framesBad).toBe(1);
    await driver.close();
  });

  it('consumes the reader MQTT output and shows antenna and overflow conditions in health', async () => {
    const broker = await startBroker();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const driver = createReaderDriver(
      ReaderConfigSchema.parse({
        id: 'r700-mqtt',
        protocol: 'impinj-iot',
        transport: 'mqtt',
        mqtt: { url, topic: 'impinj/+/events' },
      }),
      deps(),
    );
    const reads: RawRead[] = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    await driver.start();
    const publisher = await mqtt.connectAsync(url);
    const events = [
      { eventType: 'antennaDisconnected', antennaDisconnectedEvent: { antennaPort: 2 } },
      { eventType: 'overflow', overflowEvent: {} },
      {
        eventType: 'tagInventory',
        tagInventoryEvent: { epc: 'MDlgYwPHQ4AAGgVZ', antennaPort: 1, peakRssiCdbm: -5500 },
      },
    ];
    for (const event of events) await publisher.publishAsync('impinj/r700/events', JSON.stringify(event));
    expect(await holdsWithin(() => reads.length === 1, 5_000)).toBe(true);
    expect(reads[0]?.epc).toBe('3039606303C74380001A0559');
    expect(driver.health()).toMatchObject({ faults: ['antenna 2 disconnected'], counters: { overflow: 1 } });
    await publisher.publishAsync(
      'impinj/r700/events',
      JSON.stringify({ eventType: 'antennaConnected', antennaConnectedEvent: { antennaPort: 2 } }),
    );
    expect(await holdsWithin(() => driver.health().faults === undefined, 5_000)).toBe(true);
    await publisher.endAsync();
    await driver.close();
    await broker.close();
  });
});

describe('zebra-iot replay after an outage, and repeats', () => {
  it('drops the replayed backlog as late, forwards live reads, and drops a repeated batch', async () => {
    const broker = await startBroker();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const driver = createReaderDriver(
      ReaderConfigSchema.parse({
        id: 'fx7500',
        protocol: 'zebra-iot',
        mqtt: { url, topic: 'fx/data' },
        lateReadAgeMaxMs: 1_000,
      }),
      deps(),
    );
    const reads: RawRead[] = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    await driver.start();
    // The radio keeps reading while the reader's network is down; the connector retains the events.
    const field = { networkDown: false };
    const source = {
      take: () => [{ epc: '3039606303C74380001A0559', antenna: 1, rssiDbm: -60 }],
      isUnplugged: () => field.networkDown,
      close: () => undefined,
    };
    const simulator = await startZebraIotSimulator({
      source,
      clock: systemClock,
      mqttUrl: url,
      dataTopic: 'fx/data',
      eventIntervalMs: 50,
      batchSize: 10,
      replayPerSecond: 200,
    });
    expect(await holdsWithin(() => reads.length >= 3, 5_000)).toBe(true);
    field.networkDown = true;
    expect(await holdsWithin(() => simulator.retained() >= 40, 5_000)).toBe(true);
    field.networkDown = false;
    const readsBefore = reads.length;
    expect(await holdsWithin(() => simulator.retained() === 0, 10_000)).toBe(true);
    const counters = driver.health().counters ?? {};
    expect(counters['lateReads']).toBeGreaterThan(0);
    // What came through during the replay is the tail of the backlog and live reads, never time going back.
    expect(reads.length - readsBefore).toBeLessThan(simulator.published());
    const times = reads.map((read) => read.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    await simulator.close();

    const publisher = await mqtt.connectAsync(url);
    const batch = JSON.stringify([
      {
        type: 'SIMPLE',
        timestamp: new Date().toISOString(),
        data: { idHex: 'e28011606000020000000aaa', antenna: 2, peakRssi: -51, reads: 3 },
      },
    ]);
    await publisher.publishAsync('fx/data', batch);
    await publisher.publishAsync('fx/data', batch); // a QoS 1 resend or a replay overlap
    expect(await holdsWithin(() => (driver.health().counters?.['repeatedReads'] ?? 0) >= 1, 5_000)).toBe(true);
    // The first event folds 3 reads (→ 3 raw reads for the debounce's counts); its repeat adds none.
    expect(reads.filter((read) => read.epc === 'E28011606000020000000AAA')).toHaveLength(3);
    await publisher.endAsync();
    await driver.close();
    await broker.close();
  });
});

describe('impinj-iot stream silence', () => {
  it('a stream that goes silent (no keep-alives) past silenceTimeoutMs is reopened', async () => {
    const { createServer } = await import('node:http');
    let opened = 0;
    const server = createServer((_request, response) => {
      opened++;
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.flushHeaders(); // then nothing: a half-dead TCP path
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const driver = createReaderDriver(
      ReaderConfigSchema.parse({
        id: 'r700-silent',
        protocol: 'impinj-iot',
        baseUrl: `http://127.0.0.1:${port}`,
        silenceTimeoutMs: 1_000,
        reconnect,
      }),
      deps(),
    );
    await driver.connect();
    expect(await holdsWithin(() => opened >= 2, 5_000)).toBe(true);
    expect(driver.health().lastError).toContain('stream keep-alive');
    await driver.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('impinj-iot webhook from the simulator', () => {
  it('the simulator posts reads and beams to the gateway webhook, with Basic credentials; without them: 401, counted', async () => {
    const driver = createReaderDriver(
      ReaderConfigSchema.parse({
        id: 'r700-hook',
        protocol: 'impinj-iot',
        transport: 'webhook',
        webhook: { host: '127.0.0.1', port: 0, path: '/impinj', username: 'reader', password: 's3cret' },
      }),
      deps(),
    ) as ImpinjIotReaderDriver;
    const reads: RawRead[] = [];
    const gpis: GpiEvent[] = [];
    driver.onRead((read) => reads.push(read));
    driver.onGpi((event) => gpis.push(event));
    await driver.connect();
    await driver.start();
    const source = new StaticTagSource();
    source.show(['30340242201D8840009C4005'], 2, -63.5);
    const beams = { queue: [{ port: 2, state: true }], take: () => beams.queue.splice(0) };
    const webhookUrl = `http://127.0.0.1:${driver.webhookPort}/impinj`;
    const simulator = await startImpinjIotSimulator({
      source,
      beams,
      clock: systemClock,
      port: 0,
      eventIntervalMs: 50,
      webhookUrl,
      webhookAuth: { username: 'reader', password: 's3cret' },
    });
    expect(await holdsWithin(() => reads.length >= 2 && gpis.length === 1, 5_000)).toBe(true);
    expect(reads[0]).toMatchObject({ epc: '30340242201D8840009C4005', antenna: 2, rssi: -63.5 });
    await simulator.close();
    const badBefore = driver.health().framesBad;
    expect((await fetch(webhookUrl, { method: 'POST', body: '[]' })).status).toBe(401);
    expect(driver.health().framesBad).toBe(badBefore + 1);
    await driver.close();
  });
});
