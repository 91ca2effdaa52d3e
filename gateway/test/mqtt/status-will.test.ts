import type { Socket } from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { systemClock } from '../../../shared/src/clock.js';
import { GatewayStatusSchema } from '../../../shared/src/contracts/status.js';
import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import { silentLogger } from '../../../shared/src/log.js';
import { MqttConfigSchema } from '../../src/mqtt/config.js';
import { createMqttConnection } from '../../src/mqtt/connection.js';
import { buildGatewayStatus, statusLine } from '../../src/status/status.js';

const SITE = 'site-1';
const GATEWAY = 'gw-will';
let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: silentLogger(), allowAnonymous: true });
});
afterAll(async () => broker.close());

const fill = {
  depth: 3,
  bytes: 900,
  fillRatio: 0.123456,
  droppedTotal: 2,
  lastSequence: 10,
  nearlyFull: false,
  full: false,
};
const reader = {
  readerId: 'door-1',
  protocol: 'simulated',
  connected: true,
  lastReadTime: 5,
  framesOk: 1,
  framesBad: 0,
  reconnects: 0,
  lastError: null,
};

describe('status document', () => {
  it('carries readers, outbox depth and version, and validates', () => {
    const status = buildGatewayStatus({
      state: 'online',
      siteId: SITE,
      gatewayId: GATEWAY,
      nowMs: 0,
      version: '1.2.3',
      readers: [reader],
      outbox: fill,
    });
    expect(status).toEqual({
      state: 'online',
      siteId: SITE,
      gatewayId: GATEWAY,
      time: '1970-01-01T00:00:00.000Z',
      version: '1.2.3',
      readers: [reader],
      outbox: { depth: 3, bytes: 900, fillRatio: 0.1235, dropped: 2 },
    });
  });

  it('summarises in one line for systemd', () => {
    expect(statusLine({ connected: true, readers: [reader], outbox: fill, eventsAcked: 42, paused: false })).toBe(
      'mqtt up, readers 1/1, outbox 3 (12%), sent 42, dropped 2',
    );
  });
});

describe('last will', () => {
  it('turns the retained status offline when the gateway vanishes without a goodbye', async () => {
    const statusTopic = gatewayTopic(SITE, GATEWAY, 'status');
    const config = MqttConfigSchema.parse({
      url: `mqtt://127.0.0.1:${broker.port}`,
      reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const connection = createMqttConnection(
      config,
      { siteId: SITE, gatewayId: GATEWAY },
      {
        clock: systemClock,
        logger: silentLogger(),
        will: {
          topic: statusTopic,
          payload: () =>
            JSON.stringify(
              buildGatewayStatus({
                state: 'offline',
                siteId: SITE,
                gatewayId: GATEWAY,
                nowMs: Date.now(),
                version: '1',
              }),
            ),
        },
      },
    );
    await new Promise<void>((resolve) => connection.onConnect(resolve));
    await connection.client.publishAsync(
      statusTopic,
      JSON.stringify(
        buildGatewayStatus({ state: 'online', siteId: SITE, gatewayId: GATEWAY, nowMs: Date.now(), version: '1' }),
      ),
      { qos: 1, retain: true },
    );
    // A power cut: the TCP connection just dies, no DISCONNECT packet.
    (connection.client.stream as Socket).destroy();
    const observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'observer' });
    const states: string[] = [];
    observer.on('message', (_topic, payload) =>
      states.push(GatewayStatusSchema.parse(JSON.parse(payload.toString())).state),
    );
    await observer.subscribeAsync(statusTopic, { qos: 1 });
    const deadline = Date.now() + 5_000;
    while (states.at(-1) !== 'offline' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(states.at(-1)).toBe('offline');
    await observer.endAsync();
    await connection.close();
  });
});
