import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  BrowseDirection,
  coerceNodeId,
  DataType,
  makeBrowsePath,
  OPCUACertificateManager,
  OPCUAClient,
  StatusCodes,
} from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/src/clock.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../../shared/src/log.js';
import { ReaderConfigSchema } from '../../src/readers/config.js';
import { createReaderDriver } from '../../src/readers/factory.js';
import { freeTcpPort, startOpcUaSimulator, type OpcUaSimulator } from '../../../simulators/src/opcua/server.js';
import { StaticTagSource } from '../../../simulators/src/readers/read-source.js';
import { holdsWithin } from '../../../test/support/wait.js';
import { describeReaderDriverContract } from './support/contract.js';

/**
 * The real node-opcua client driver against the real AutoID simulator server on
 * 127.0.0.1. One server per file (startup costs seconds); "breaking the link" is a
 * real server shutdown and restart on the same port.
 */
let directory = '';
let port = 0;
let server: OpcUaSimulator | null = null;
const source = new StaticTagSource();

async function startServer(): Promise<void> {
  server = await startOpcUaSimulator({
    port,
    readers: [{ name: 'dock-reader', source }],
    clock: systemClock,
    pkiDir: join(directory, 'pki'),
    eventIntervalMs: 50,
  });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-opcua-'));
  port = await freeTcpPort();
  await startServer();
});

afterAll(async () => {
  await server?.stop();
  rmSync(directory, { recursive: true, force: true });
});

function driverConfig(mode: 'subscription' | 'poll', extra: Record<string, unknown> = {}) {
  return ReaderConfigSchema.parse({
    id: `opcua-${mode}`,
    protocol: 'opcua',
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    deviceName: 'dock-reader',
    mode,
    scanDurationMs: 100,
    pkiDir: join(directory, 'client-pki'),
    trustUnknownServerCertificate: true,
    reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
    ...extra,
  });
}

for (const mode of ['subscription', 'poll'] as const) {
  describeReaderDriverContract(`opcua ${mode}`, async () => ({
    driver: createReaderDriver(driverConfig(mode), { clock: systemClock, logger: silentLogger() }),
    showTags: (epcs) => source.show(epcs, 1, -55),
    waitFor: holdsWithin,
    breakLink: async () => {
      await server?.stop();
      server = null;
    },
    restoreLink: startServer,
    teardown: async () => {
      if (!server) await startServer();
    },
  }));
}

describe('opcua driver details', () => {
  it('rejects an unknown device name with a coded error', async () => {
    const driver = createReaderDriver(driverConfig('subscription', { deviceName: 'no-such-reader' }), {
      clock: systemClock,
      logger: silentLogger(),
    });
    await expect(driver.connect()).rejects.toMatchObject({ code: 'SW_READER_OPCUA_NO_DEVICE' });
    await driver.close();
  });

  // The restart mid-scan itself is the contract's reconnect case above (server stopped and restarted
  // while ScanStart is active, in both modes); this one adds an encrypted channel.
  it('streams scan events over SignAndEncrypt / Basic256Sha256', async () => {
    source.show(['3039606303C74380001A0559'], 2, -48);
    const driver = createReaderDriver(
      driverConfig('subscription', { securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' }),
      { clock: systemClock, logger: silentLogger() },
    );
    const reads: RawRead[] = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    await driver.start();
    expect(await holdsWithin(() => reads.length >= 3, 10_000)).toBe(true);
    expect(reads[0]).toMatchObject({
      epc: '3039606303C74380001A0559',
      antenna: 2,
      rssi: -48,
      reader: 'opcua-subscription',
    });
    await driver.close();
  });

  it('simulator: ScanStart twice is Bad_InvalidState, DeviceStatus follows Scanning/Idle', async () => {
    // Same PKI and applicationUri as the driver: no second certificate to generate.
    const client = OPCUAClient.create({
      applicationUri: 'urn:stockwire:gateway',
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0 },
      clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(directory, 'client-pki') }),
    });
    await client.connect(`opc.tcp://127.0.0.1:${port}`);
    const session = await client.createSession();
    try {
      const namespaces = await session.readNamespaceArray();
      const autoId = namespaces.indexOf('http://opcfoundation.org/UA/AutoID/');
      const di = namespaces.indexOf('http://opcfoundation.org/UA/DI/');
      const deviceSet = (await session.translateBrowsePath(makeBrowsePath('ObjectsFolder', `/${di}:DeviceSet`)))
        .targets?.[0]?.targetId;
      const children = await session.browse({
        nodeId: deviceSet ?? 'i=85',
        browseDirection: BrowseDirection.Forward,
        resultMask: 63,
      });
      const device = children.references?.find((reference) => reference.browseName.name === 'dock-reader')?.nodeId;
      if (!device) throw new Error('simulated reader not found');
      const [scanStart, scanStop, deviceStatus] = (
        await session.translateBrowsePath([
          makeBrowsePath(device, `.${autoId}:ScanStart`),
          makeBrowsePath(device, `.${autoId}:ScanStop`),
          makeBrowsePath(device, `.${autoId}:DeviceStatus`),
        ])
      ).map((path) => path.targets?.[0]?.targetId ?? coerceNodeId('i=0'));
      const settings = await session.constructExtensionObject(coerceNodeId(`ns=${autoId};i=3010`), {
        duration: 0,
        cycles: 0,
        dataAvailable: false,
      });
      const start = () =>
        session.call({
          objectId: device,
          methodId: scanStart ?? coerceNodeId('i=0'),
          inputArguments: [{ dataType: DataType.ExtensionObject, value: settings }],
        });
      const status = async () =>
        (await session.read({ nodeId: deviceStatus ?? coerceNodeId('i=0'), attributeId: AttributeIds.Value })).value
          .value as number;
      expect((await start()).statusCode.value).toBe(StatusCodes.Good.value);
      expect(await status()).toBe(2); // Scanning
      expect((await start()).statusCode.value).toBe(StatusCodes.BadInvalidState.value);
      expect(
        (await session.call({ objectId: device, methodId: scanStop ?? coerceNodeId('i=0'), inputArguments: [] }))
          .statusCode.value,
      ).toBe(StatusCodes.Good.value);
      expect(await status()).toBe(0); // Idle
    } finally {
      await session.close();
      await client.disconnect();
    }
  });
});
