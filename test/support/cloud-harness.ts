import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { CloudConfigSchema, type CloudConfig } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';

export const DEMO_CONFIG_DIR = join(import.meta.dirname, '..', '..', 'config', 'demo');

export interface CloudHarness {
  broker: EmbeddedBroker;
  cloud: CloudService;
  mqttUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real embedded aedes broker (anonymous, loopback, ephemeral port) and the real
 * cloud service on a throw-away SQLite ledger with the demo catalog.
 */
export async function startCloudHarness(
  overrides: { ingest?: Partial<CloudConfig['ingest']>; http?: Partial<CloudConfig['http']> } = {},
): Promise<CloudHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stockwire-cloud-'));
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    allowAnonymous: true,
    logger: silentLogger(),
  });
  const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  const config = CloudConfigSchema.parse({
    catalogFile: 'catalog.yaml',
    store: { kind: 'sqlite', path: join(dataDir, 'ledger.sqlite') },
    mqtt: { url: mqttUrl, clientId: 'cloud-under-test' },
    http: { port: 0, publicRead: true, ...overrides.http },
    ...(overrides.ingest ? { ingest: overrides.ingest } : {}),
  });
  const cloud = await startCloudService(config, {
    configDir: DEMO_CONFIG_DIR,
    logger: silentLogger(),
    clock: systemClock,
  });
  return {
    broker,
    cloud,
    mqttUrl,
    dataDir,
    async stop() {
      await cloud.stop();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function connectClient(
  url: string,
  clientId: string,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, ...options });
  return client;
}

/** Requests to the cloud's HTTP API with a bearer token; a body goes as JSON. */
export function apiRequester(harness: CloudHarness, token: string) {
  return (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${harness.cloud.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
