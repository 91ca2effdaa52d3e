import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEpcisDocument } from '../../shared/src/contracts/epcis.js';
import { GatewayStatusSchema } from '../../shared/src/contracts/status.js';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { sampleEvent } from '../../gateway/test/outbox/fixtures.js';
import { startMosquitto, type RunningMosquitto } from '../support/mosquitto.js';
import { createTestPki, type TestPki } from '../support/tls.js';
import { inProcessGateway } from './in-process-gateway.js';
import { startRecorder, until, type Recorder } from './recorder.js';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';

/**
 * Interop with a real Mosquitto 2 set up as deploy/mosquitto describes: the
 * shipped ACL file plus blocks made by add-gateway.sh, a password file,
 * use_username_as_clientid, and a TLS listener requiring client certificates
 * from a CA generated for this run.
 */
const repoRoot = resolve(import.meta.dirname, '../..');
const directory = mkdtempSync(join(tmpdir(), 'stockwire-interop-'));
const MOVEMENTS = 500;
let pki: TestPki;
let mosquitto: RunningMosquitto;
let recorder: Recorder;
let cloud: CloudService;
let tlsUrl: string;

// Test-only readers beside the real consumer (Mosquitto binds client id = username, so each needs its own user).
const TEST_READERS_ACL = [
  '',
  'user test-recorder',
  'topic read stockwire/v1/#',
  'user test-observer',
  'topic read stockwire/v1/#',
  '',
].join('\n');

const tlsOptions = (name: string) => ({
  ca: pki.read(pki.caFile),
  cert: pki.read(pki.clients[name]?.certFile ?? ''),
  key: pki.read(pki.clients[name]?.keyFile ?? ''),
});

function addGateway(
  site: string,
  gateway: string,
  password: string,
  files: { passwordFile: string; aclFile: string },
): void {
  execFileSync('bash', [join(repoRoot, 'deploy/mosquitto/add-gateway.sh'), site, gateway, password], {
    env: { ...process.env, STOCKWIRE_MQTT_PASSWORD_FILE: files.passwordFile, STOCKWIRE_MQTT_ACL_FILE: files.aclFile },
    stdio: 'ignore',
  });
}

beforeAll(async () => {
  pki = createTestPki(['gw-interop', 'gw-other', 'stockwire-cloud', 'test-recorder', 'test-observer']);
  const files = { passwordFile: join(directory, 'passwords'), aclFile: join(directory, 'acl') };
  writeFileSync(files.aclFile, readFileSync(join(repoRoot, 'deploy/mosquitto/stockwire.acl')));
  addGateway('store-1', 'gw-interop', 'interop-pw', files);
  addGateway('store-1', 'gw-other', 'other-pw', files);
  // Idempotent: a second run replaces the password and keeps a single ACL block.
  addGateway('store-1', 'gw-other', 'other-pw', files);
  expect(readFileSync(files.aclFile, 'utf8').match(/^user gw-other$/gm)).toHaveLength(1);
  mosquitto = await startMosquitto({
    passwordFile: files.passwordFile,
    users: [
      { username: 'stockwire-cloud', password: 'cloud-pw' },
      { username: 'test-recorder', password: 'recorder-pw' },
      { username: 'test-observer', password: 'observer-pw' },
    ],
    acl: readFileSync(files.aclFile, 'utf8') + TEST_READERS_ACL,
    tls: { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, requireCertificate: true },
    extraConfig: ['use_username_as_clientid true'],
  });
  tlsUrl = mosquitto.tlsUrl ?? '';
  // The real cloud consumer over mutual TLS, as deployed…
  const cloudCertificate = pki.clients['stockwire-cloud'];
  cloud = await startCloudService(
    CloudConfigSchema.parse({
      catalogFile: 'catalog.yaml',
      store: { kind: 'sqlite', path: join(directory, 'ledger.sqlite') },
      mqtt: {
        url: tlsUrl,
        clientId: 'stockwire-cloud',
        username: 'stockwire-cloud',
        password: 'cloud-pw',
        tls: { caFile: pki.caFile, certFile: cloudCertificate?.certFile, keyFile: cloudCertificate?.keyFile },
      },
      http: { port: 0, publicRead: true },
    }),
    { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock },
  );
  // …and a recorder for arrival order.
  recorder = await startRecorder({
    url: tlsUrl,
    databasePath: join(directory, 'recorder.sqlite'),
    clientOptions: {
      clientId: 'test-recorder',
      username: 'test-recorder',
      password: 'recorder-pw',
      ...tlsOptions('test-recorder'),
    },
  });
});

afterAll(async () => {
  await cloud?.stop();
  await recorder?.close();
  await mosquitto?.remove();
  pki?.remove();
  rmSync(directory, { recursive: true, force: true });
});

describe('interop: the gateway against Mosquitto 2 with TLS, passwords and the deploy ACL', () => {
  it(`publishes ${MOVEMENTS} movements over mutual TLS, in order, with a retained status`, async () => {
    const certificate = pki.clients['gw-interop'];
    const gateway = inProcessGateway(
      {
        siteId: 'store-1',
        gatewayId: 'gw-interop',
        debounce: { tickIntervalMs: 20 },
        mqtt: {
          url: tlsUrl,
          username: 'gw-interop',
          passwordFile: (() => {
            const file = join(directory, 'gw-interop.password');
            writeFileSync(file, 'interop-pw\n');
            return file;
          })(),
          tls: { caFile: pki.caFile, certFile: certificate?.certFile, keyFile: certificate?.keyFile },
        },
        outbox: { path: join(directory, 'outbox.sqlite') },
        statusIntervalMs: 500,
      },
      { total: MOVEMENTS, perTick: 50 },
    );
    await gateway.daemon.start();
    gateway.produce();
    await until(() => recorder.distinctCount() === MOVEMENTS, 30_000, 'all movements over TLS');
    expect(recorder.indexes()).toEqual(Array.from({ length: MOVEMENTS }, (_, index) => index));
    const epcsInStock = async () => (await cloud.store.stock()).reduce((sum, row) => sum + row.epcsInStock, 0);
    const ledgerDeadline = Date.now() + 40_000;
    while ((await epcsInStock()) < MOVEMENTS && Date.now() < ledgerDeadline)
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    expect(await epcsInStock()).toBe(MOVEMENTS);

    const observer = await mqtt.connectAsync(tlsUrl, {
      username: 'test-observer',
      password: 'observer-pw',
      ...tlsOptions('test-observer'),
      clean: true,
    });
    const statuses: string[] = [];
    observer.on('message', (_topic, payload) =>
      statuses.push(GatewayStatusSchema.parse(JSON.parse(payload.toString())).state),
    );
    await observer.subscribeAsync(gatewayTopic('store-1', 'gw-interop', 'status'), { qos: 1 });
    await until(() => statuses.includes('online'), 15_000, 'the retained online status');
    await observer.endAsync();
    await gateway.daemon.stop('test');
  }, 120_000);

  it('drops a gateway’s publish on another gateway’s topic (Mosquitto acks and discards)', async () => {
    const before = recorder.distinctCount();
    const other = await mqtt.connectAsync(tlsUrl, {
      username: 'gw-other',
      password: 'other-pw',
      ...tlsOptions('gw-other'),
      reconnectPeriod: 0,
    });
    const forged = buildEpcisDocument([sampleEvent(90_001, 'gw-interop')], {
      creationDate: new Date().toISOString(),
      gatewayId: 'gw-interop',
      sequence: 1,
    });
    await other.publishAsync(gatewayTopic('store-1', 'gw-interop', 'events'), JSON.stringify(forged), { qos: 1 });
    const honest = buildEpcisDocument([sampleEvent(90_002, 'gw-other')], {
      creationDate: new Date().toISOString(),
      gatewayId: 'gw-other',
      sequence: 1,
    });
    await other.publishAsync(gatewayTopic('store-1', 'gw-other', 'events'), JSON.stringify(honest), { qos: 1 });
    await until(() => recorder.distinctCount() === before + 1, 10_000, 'the honest message');
    expect(recorder.indexes().slice(before)).toEqual([90_002]);
    await other.endAsync();
  });

  it('lets the cloud send a gateway its commands, which no other gateway can read (deploy ACL)', async () => {
    const received: string[] = [];
    const other = await mqtt.connectAsync(tlsUrl, {
      username: 'gw-other',
      password: 'other-pw',
      ...tlsOptions('gw-other'),
      reconnectPeriod: 0,
    });
    other.on('message', (topic) => received.push(topic));
    await other.subscribeAsync(gatewayTopic('store-1', 'gw-other', 'commands'), { qos: 1 });
    // Refused by the ACL (SUBACK failure code or silently no delivery): either way nothing may arrive.
    await other.subscribeAsync(gatewayTopic('store-1', 'gw-interop', 'commands'), { qos: 1 }).catch(() => undefined);
    // The real consumer's own connection: the shipped cloud rules, and its own echo is ignored, not dead-lettered.
    const cloudClient = cloud.consumer.mqttClient();
    await cloudClient.publishAsync(gatewayTopic('store-1', 'gw-interop', 'commands'), '{}', { qos: 1 });
    await cloudClient.publishAsync(gatewayTopic('store-1', 'gw-other', 'commands'), '{}', { qos: 1 });
    await until(() => received.length >= 1, 10_000, 'the gateway’s own command');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([gatewayTopic('store-1', 'gw-other', 'commands')]);
    expect(cloud.consumer.stats().deadLettered).toEqual({});
    await other.endAsync();
  });

  it.each([
    {
      name: 'a wrong password',
      options: () => ({ username: 'gw-other', password: 'nope', ...tlsOptions('gw-other') }),
      error: /Not authorized|Bad username/i,
    },
    {
      name: 'no client certificate',
      options: () => ({ username: 'gw-other', password: 'other-pw', ca: pki.read(pki.caFile) }),
      error: /certificate|socket|ECONNRESET|closed/i,
    },
    {
      name: 'a broker certificate from an unknown CA',
      options: () => ({ username: 'gw-other', password: 'other-pw', ...tlsOptions('gw-other'), ca: undefined }),
      error: /self[- ]signed|unable to verify|certificate/i,
    },
  ])('refuses $name', async ({ options, error }) => {
    await expect(
      mqtt.connectAsync(tlsUrl, { ...options(), reconnectPeriod: 0, connectTimeout: 5_000 }),
    ).rejects.toThrow(error);
  });
});
