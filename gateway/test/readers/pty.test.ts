import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/src/clock.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../../shared/src/log.js';
import { ReaderConfigSchema } from '../../src/readers/config.js';
import type { ReaderDriver } from '../../src/readers/driver.js';
import { createReaderDriver } from '../../src/readers/factory.js';
import { StaticTagSource } from '../../../simulators/src/readers/read-source.js';
import { serveSerialReader, type SerialReaderEndpoint } from '../../../simulators/src/readers/serial-endpoint.js';
import { startSocat, type SocatFixture } from '../../../test/support/socat.js';
import { holdsWithin } from '../../../test/support/wait.js';

/**
 * Real pseudo-terminals (socat) with the simulator on one end and the unchanged
 * driver, native serial binding included, on the other. Killing socat is the unplug.
 */
describe.each(['chafon', 'thingmagic'] as const)('%s over a socat pty pair', (protocol) => {
  let socat: SocatFixture | null = null;
  let endpoint: SerialReaderEndpoint | null = null;
  let driver: ReaderDriver | null = null;

  afterEach(async () => {
    await driver?.close();
    await endpoint?.close();
    await socat?.cleanup();
  });

  it('streams reads, survives an unplug/replug and reconnects by itself', async () => {
    socat = await startSocat();
    const source = new StaticTagSource();
    source.show(['3039606303C74380001A0559', '30340242201D8840009C4005'], 2, -58);
    endpoint = await serveSerialReader({ protocol, device: socat.readerPath, source, clock: systemClock });
    const config = ReaderConfigSchema.parse({
      id: `${protocol}-pty`,
      protocol,
      device: socat.hostPath,
      responseTimeoutMs: 300,
      failuresMax: 2,
      ...(protocol === 'chafon' ? { pollIntervalMs: 20 } : { keepAliveTimeoutMs: 1_500 }),
      reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
    });
    driver = createReaderDriver(config, { clock: systemClock, logger: silentLogger() });
    const reads: RawRead[] = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    await driver.start();
    expect(await holdsWithin(() => reads.length >= 10, 5_000)).toBe(true);
    expect(reads[0]).toMatchObject({ antenna: 2, rssi: -58, reader: `${protocol}-pty` });

    await socat.unplug();
    await endpoint.lost;
    expect(await holdsWithin(() => driver?.health().connected === false, 5_000)).toBe(true);
    await socat.replug();
    endpoint = await serveSerialReader({ protocol, device: socat.readerPath, source, clock: systemClock });
    const readsBeforeReplug = reads.length;
    expect(await holdsWithin(() => reads.length > readsBeforeReplug + 5, 10_000)).toBe(true);
    expect(driver.health()).toMatchObject({ connected: true, reconnects: 1 });
  });
});
