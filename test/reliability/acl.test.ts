import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayConnect, mayPublish, maySubscribe, type BrokerPrincipal } from '../../cloud/src/broker/acl.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { hashPassword, verifyPassword } from '../../cloud/src/broker/password.js';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { silentLogger } from '../../shared/src/log.js';
import { sampleEvent } from '../../gateway/test/outbox/fixtures.js';
import { buildEpcisDocument } from '../../shared/src/contracts/epcis.js';
import { waitFor } from '../support/wait.js';
import { startRecorder, until, type Recorder } from './recorder.js';
import { CloudConfigSchema } from '../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../cloud/src/service.js';
import { systemClock } from '../../shared/src/clock.js';
import { DEMO_CONFIG_DIR } from '../support/cloud-harness.js';
import { startLoopbackBroker } from '../support/broker.js';
import { createTestPki } from '../support/tls.js';

const gatewayA: BrokerPrincipal = { username: 'gw-a', role: 'gateway', siteId: 'store-1', gatewayId: 'gw-a' };
const cloud: BrokerPrincipal = { username: 'cloud', role: 'cloud' };

describe('broker ACL rules (pure)', () => {
  it.each([
    {
      name: 'gateway on its own events topic',
      principal: gatewayA,
      topic: 'stockwire/v1/store-1/gw-a/events',
      allowed: true,
    },
    {
      name: 'gateway on its own status topic',
      principal: gatewayA,
      topic: 'stockwire/v1/store-1/gw-a/status',
      allowed: true,
    },
    {
      name: 'gateway on another gateway’s topic',
      principal: gatewayA,
      topic: 'stockwire/v1/store-1/gw-b/events',
      allowed: false,
    },
    {
      name: 'gateway on its id under another site',
      principal: gatewayA,
      topic: 'stockwire/v1/site-2/gw-a/events',
      allowed: false,
    },
    {
      name: 'gateway on a made-up subtopic',
      principal: gatewayA,
      topic: 'stockwire/v1/store-1/gw-a/events/extra',
      allowed: false,
    },
    { name: 'gateway on the dead-letter topic', principal: gatewayA, topic: 'stockwire/v1/deadletter', allowed: false },
    { name: 'cloud on the dead-letter topic', principal: cloud, topic: 'stockwire/v1/deadletter', allowed: true },
    { name: 'cloud on an alerts subtopic', principal: cloud, topic: 'stockwire/v1/alerts/low-stock', allowed: true },
    { name: 'cloud on a gateway topic', principal: cloud, topic: 'stockwire/v1/store-1/gw-a/events', allowed: false },
    {
      name: 'cloud on a committed watermark',
      principal: cloud,
      topic: 'stockwire/v1/store-1/gw-a/committed',
      allowed: true,
    },
    {
      name: 'gateway confirming itself',
      principal: gatewayA,
      topic: 'stockwire/v1/store-1/gw-a/committed',
      allowed: false,
    },
    {
      name: 'cloud on a gateway’s commands',
      principal: cloud,
      topic: 'stockwire/v1/store-1/gw-a/commands',
      allowed: true,
    },
    {
      name: 'gateway commanding itself',
      principal: gatewayA,
      topic: 'stockwire/v1/store-1/gw-a/commands',
      allowed: false,
    },
  ])('publish: $name → $allowed', ({ principal, topic, allowed }) => {
    expect(mayPublish(principal, topic).allowed).toBe(allowed);
  });

  it.each([
    { name: 'cloud on every gateway’s events', principal: cloud, filter: 'stockwire/v1/+/+/events', allowed: true },
    { name: 'cloud on $SYS', principal: cloud, filter: '$SYS/#', allowed: false },
    { name: 'gateway on anything', principal: gatewayA, filter: 'stockwire/v1/#', allowed: false },
    {
      name: 'gateway on its own watermark',
      principal: gatewayA,
      filter: 'stockwire/v1/store-1/gw-a/committed',
      allowed: true,
    },
    {
      name: 'gateway on another’s watermark',
      principal: gatewayA,
      filter: 'stockwire/v1/store-1/gw-b/committed',
      allowed: false,
    },
    {
      name: 'gateway on its own commands',
      principal: gatewayA,
      filter: 'stockwire/v1/store-1/gw-a/commands',
      allowed: true,
    },
    {
      name: 'gateway on another’s commands',
      principal: gatewayA,
      filter: 'stockwire/v1/store-1/gw-b/commands',
      allowed: false,
    },
    {
      name: 'gateway on every gateway’s commands',
      principal: gatewayA,
      filter: 'stockwire/v1/+/+/commands',
      allowed: false,
    },
  ])('subscribe: $name → $allowed', ({ principal, filter, allowed }) => {
    expect(maySubscribe(principal, filter).allowed).toBe(allowed);
  });

  it('binds a gateway to its own client id', () => {
    expect(mayConnect(gatewayA, 'gw-a').allowed).toBe(true);
    expect(mayConnect(gatewayA, 'gw-b').allowed).toBe(false);
    expect(mayConnect(cloud, 'anything').allowed).toBe(true);
  });

  it('hashes passwords with scrypt and verifies them in constant time', () => {
    const hash = hashPassword('s3cret');
    expect(hash).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(verifyPassword('s3cret', hash)).toBe(true);
    expect(verifyPassword('s3cret!', hash)).toBe(false);
    expect(verifyPassword('s3cret', 'garbage')).toBe(false);
  });
});

describe('embedded broker authentication and ACL (real aedes, real clients)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-acl-'));
  let broker: EmbeddedBroker;
  let recorder: Recorder;
  let cloud: CloudService;
  let url: string;

  beforeAll(async () => {
    broker = await startLoopbackBroker([
      {
        username: 'gw-a',
        passwordHash: hashPassword('a-secret'),
        role: 'gateway',
        siteId: 'store-1',
        gatewayId: 'gw-a',
      },
      { username: 'gw-b', password: 'b-secret', role: 'gateway', siteId: 'store-1', gatewayId: 'gw-b' },
      { username: 'cloud', password: 'cloud-secret', role: 'cloud' },
    ]);
    url = `mqtt://127.0.0.1:${broker.port}`;
    recorder = await startRecorder({
      url,
      databasePath: join(directory, 'recorder.sqlite'),
      clientOptions: { username: 'cloud', password: 'cloud-secret' },
    });
    cloud = await startCloudService(
      CloudConfigSchema.parse({
        catalogFile: 'catalog.yaml',
        store: { kind: 'sqlite', path: join(directory, 'ledger.sqlite') },
        mqtt: { url, clientId: 'stockwire-cloud', username: 'cloud', password: 'cloud-secret' },
        http: { port: 0, publicRead: true },
      }),
      { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock },
    );
  });
  afterAll(async () => {
    await cloud?.stop();
    await recorder.close();
    await broker.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const document = (index: number, gatewayId: string) =>
    JSON.stringify(
      buildEpcisDocument([sampleEvent(index, gatewayId)], {
        creationDate: new Date().toISOString(),
        gatewayId,
        sequence: index,
      }),
    );

  it.each([
    { name: 'a wrong password', options: { clientId: 'gw-a', username: 'gw-a', password: 'wrong' }, code: 4 },
    { name: 'an unknown user', options: { clientId: 'gw-x', username: 'gw-x', password: 'a-secret' }, code: 4 },
    { name: 'no credentials', options: { clientId: 'gw-a' }, code: 5 },
    {
      name: 'a gateway using another gateway’s client id',
      options: { clientId: 'gw-b', username: 'gw-a', password: 'a-secret' },
      code: 2,
    },
  ])('refuses $name', async ({ options, code }) => {
    await expect(mqtt.connectAsync(url, { ...options, reconnectPeriod: 0 })).rejects.toMatchObject({ code });
  });

  it('lets a gateway publish on its own topic (positive control)', async () => {
    const client = await mqtt.connectAsync(url, {
      clientId: 'gw-a',
      username: 'gw-a',
      password: 'a-secret',
      clean: false,
      reconnectPeriod: 0,
    });
    await client.publishAsync(gatewayTopic('store-1', 'gw-a', 'events'), document(1, 'gw-a'), { qos: 1 });
    await until(() => recorder.distinctCount() >= 1, 5_000, 'the positive control');
    // Exactly the one message, as sent: the ACL let it through unchanged.
    expect(recorder.indexes()).toEqual([1]);
    expect(broker.refusals().publish).toBe(0);
    await client.endAsync();
  });

  it('disconnects a gateway publishing on another gateway’s topic; nothing reaches the consumer', async () => {
    const before = broker.refusals().publish;
    const client = await mqtt.connectAsync(url, {
      clientId: 'gw-a',
      username: 'gw-a',
      password: 'a-secret',
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(gatewayTopic('store-1', 'gw-b', 'events'), document(2, 'gw-b'), { qos: 1 });
    await closed;
    expect(broker.refusals().publish).toBe(before + 1);
    // A later legitimate message proves the forged one would have arrived by now.
    const honest = await mqtt.connectAsync(url, {
      clientId: 'gw-b',
      username: 'gw-b',
      password: 'b-secret',
      reconnectPeriod: 0,
    });
    await honest.publishAsync(gatewayTopic('store-1', 'gw-b', 'events'), document(3, 'gw-b'), { qos: 1 });
    await until(() => recorder.distinctCount() === 2, 5_000, 'the honest message');
    expect(recorder.indexes()).toEqual([1, 3]);
    await honest.endAsync();
    client.end(true);
  });

  it('refuses the cloud role on gateway topics and gateways on subscriptions', async () => {
    const gateway = await mqtt.connectAsync(url, {
      clientId: 'gw-b',
      username: 'gw-b',
      password: 'b-secret',
      reconnectPeriod: 0,
    });
    // SUBACK 0x80: mqtt.js v5 turns the failure code into a rejected promise.
    await expect(gateway.subscribeAsync('stockwire/v1/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await gateway.endAsync();
    const cloudClient = await mqtt.connectAsync(url, {
      clientId: 'cloud-forger',
      username: 'cloud',
      password: 'cloud-secret',
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((resolve) => cloudClient.once('close', () => resolve()));
    cloudClient.publish(gatewayTopic('store-1', 'gw-a', 'events'), document(4, 'gw-a'), { qos: 1 });
    await closed;
    expect(recorder.indexes()).toEqual([1, 3]);
    cloudClient.end(true);
  });

  it('leaves only the honest movements in the cloud ledger', async () => {
    const epcsInStock = async () => (await cloud.store.stock()).reduce((sum, row) => sum + row.epcsInStock, 0);
    await waitFor(async () => ((await epcsInStock()) >= 2 ? true : undefined), 5_000, 'the honest movements');
    // The two honest documents (1 and 3) each booked one EPC; the forged ones (2, 4) booked nothing.
    expect(await epcsInStock()).toBe(2);
    expect(recorder.indexes()).toEqual([1, 3]);
  });
});

describe('embedded broker over TLS', () => {
  it('accepts a client certificate from the CA and refuses a client without one', async () => {
    const pki = createTestPki(['gw-tls']);
    const broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger(),
      users: [{ username: 'gw-tls', password: 'tls-pw', role: 'gateway', siteId: 'store-1', gatewayId: 'gw-tls' }],
      tls: {
        key: pki.read(pki.serverKeyFile),
        cert: pki.read(pki.serverCertFile),
        ca: pki.read(pki.caFile),
        requestClientCert: true,
      },
    });
    try {
      const url = `mqtts://127.0.0.1:${broker.port}`;
      const base = {
        clientId: 'gw-tls',
        username: 'gw-tls',
        password: 'tls-pw',
        ca: pki.read(pki.caFile),
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      };
      const client = await mqtt.connectAsync(url, {
        ...base,
        cert: pki.read(pki.clients['gw-tls']?.certFile ?? ''),
        key: pki.read(pki.clients['gw-tls']?.keyFile ?? ''),
      });
      await client.publishAsync(gatewayTopic('store-1', 'gw-tls', 'status'), '{}', { qos: 1 });
      await client.endAsync();
      await expect(mqtt.connectAsync(url, base)).rejects.toThrow();
    } finally {
      await broker.close();
      pki.remove();
    }
  });
});
