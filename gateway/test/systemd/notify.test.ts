import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { silentLogger } from '../../../shared/src/log.js';
import { prepareChildEntry, spawnGateway, type ChildEntry } from '../../../test/reliability/child-gateway.js';
import { until } from '../../../test/reliability/recorder.js';
import { addonSender } from '../../src/systemd/notify.js';
import { startFakeNotifySocket, type FakeNotifySocket } from './fake-notify-socket.js';

/**
 * The systemd protocol end to end: a real gateway process (the reliability
 * child: real daemon shell, synthetic movements) talks to a fake NOTIFY_SOCKET
 * through each transport (the optional sd-notify addon and the systemd-notify
 * tool); SIGHUP reloads, SIGTERM stops with exit 0.
 */
const addonInstalled = addonSender() !== null;
const transports = [
  { transport: 'addon', available: addonInstalled },
  { transport: 'tool', available: true },
] as const;
if (!addonInstalled) console.warn('sd-notify addon not installed (no libsystemd-dev): the addon case is skipped');
const directory = mkdtempSync(join(tmpdir(), 'stockwire-notify-'));
let broker: EmbeddedBroker;
let socket: FakeNotifySocket;
let childEntry: ChildEntry;

beforeAll(async () => {
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: silentLogger(), allowAnonymous: true });
  socket = await startFakeNotifySocket(directory);
  childEntry = await prepareChildEntry();
});
afterAll(async () => {
  await socket?.close();
  await broker?.close();
  childEntry?.cleanup();
  rmSync(directory, { recursive: true, force: true });
});

describe.each(transports)(
  'systemd notify sequence on a fake NOTIFY_SOCKET via the $transport',
  ({ transport, available }) => {
    it.skipIf(!available)(
      'sends READY, WATCHDOG at half WatchdogSec, STATUS, then STOPPING; SIGHUP reloads or keeps the old config',
      async () => {
        socket.datagrams.length = 0;
        const configFile = join(directory, `gateway-${transport}.json`);
        const config = {
          siteId: 'site-1',
          gatewayId: `gw-notify-${transport}`,
          debounce: { tickIntervalMs: 20 },
          mqtt: { url: `mqtt://127.0.0.1:${broker.port}` },
          outbox: { path: join(directory, `outbox-${transport}.sqlite`) },
          statusIntervalMs: 300,
        };
        writeFileSync(configFile, JSON.stringify(config));
        const gateway = spawnGateway(childEntry, {
          configFile,
          total: 100,
          perTick: 5,
          env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '200000', STOCKWIRE_NOTIFY_TRANSPORT: transport },
        });
        await gateway.ready;
        expect(gateway.output()).toContain(`"transport":"${transport}"`);
        await until(
          () => socket.datagrams.filter((datagram) => datagram.message === 'WATCHDOG=1').length >= 8,
          20_000,
          'eight watchdog pings',
        );
        await until(
          () => socket.datagrams.some((datagram) => datagram.message.startsWith('STATUS=mqtt up')),
          10_000,
          'a STATUS line with mqtt up',
        );

        writeFileSync(
          configFile,
          JSON.stringify({ ...config, outbox: { ...config.outbox, overflowPolicy: 'sometimes' } }),
        );
        gateway.child.kill('SIGHUP');
        await until(() => gateway.output().includes('config reload rejected'), 10_000, 'the rejected reload');
        expect(gateway.output()).toMatch(/outbox\.overflowPolicy/);
        writeFileSync(configFile, JSON.stringify(config));
        gateway.child.kill('SIGHUP');
        await until(() => gateway.output().includes('"msg":"config reloaded"'), 10_000, 'the accepted reload');

        gateway.child.kill('SIGTERM');
        expect(await gateway.exited).toEqual({ code: 0, signal: null });
        await until(
          () => socket.datagrams.some((datagram) => datagram.message.startsWith('STOPPING=1')),
          5_000,
          'STOPPING=1',
        );

        const messages = socket.datagrams.map((datagram) => datagram.message);
        expect(messages[0]).toMatch(/^READY=1\nSTATUS=/);
        expect(messages.at(-1)).toMatch(/^STOPPING=1\nSTATUS=stopping: SIGTERM/);
        const pings = socket.datagrams
          .filter((datagram) => datagram.message === 'WATCHDOG=1')
          .map((datagram) => datagram.atMs);
        const gapsMs = pings
          .slice(1)
          .map((atMs, index) => atMs - (pings[index] ?? atMs))
          .sort((a, b) => a - b);
        const medianGapMs = gapsMs[Math.floor(gapsMs.length / 2)] ?? 0;
        // WATCHDOG_USEC 200 ms → a ping every 100 ms; generous bounds for a loaded CI machine.
        expect(medianGapMs).toBeGreaterThan(60);
        expect(medianGapMs).toBeLessThan(250);
      },
      90_000,
    );
  },
);
