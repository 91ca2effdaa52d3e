import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/src/clock.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../../shared/src/log.js';
import { ReaderConfigSchema } from '../../src/readers/config.js';
import { createReaderDriver } from '../../src/readers/factory.js';
import { ChafonReaderSimulator } from '../../../simulators/src/readers/chafon-sim.js';
import { StaticTagSource } from '../../../simulators/src/readers/read-source.js';
import { ThingMagicReaderSimulator } from '../../../simulators/src/readers/thingmagic-sim.js';
import { encodeChafonReply } from '../../src/readers/chafon/codec.js';
import { holdsWithin } from '../../../test/support/wait.js';
import { describeReaderDriverContract, type DriverHarness } from './support/contract.js';
import { createMockSerialEnd } from './support/mock-serial.js';

const FAST = {
  responseTimeoutMs: 150,
  failuresMax: 2,
  reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitterRatio: 0.2, multiplier: 2 },
};

/** A driver on a mock serial end, with the real clock and no logs. */
function serialDriver(config: Record<string, unknown>, end: ReturnType<typeof createMockSerialEnd>) {
  return createReaderDriver(ReaderConfigSchema.parse(config), {
    clock: systemClock,
    logger: silentLogger(),
    serialBinding: end.binding,
  });
}

/** Connects and starts the driver; the returned list fills with its reads. */
async function startRecording(driver: ReturnType<typeof serialDriver>): Promise<RawRead[]> {
  const reads: RawRead[] = [];
  driver.onRead((read) => reads.push(read));
  await driver.connect();
  await driver.start();
  return reads;
}

function chafonHarness(): DriverHarness & { source: StaticTagSource } {
  const source = new StaticTagSource();
  const simulator = new ChafonReaderSimulator({ source });
  const end = createMockSerialEnd((bytes, emit) => {
    for (const reply of simulator.receive(bytes)) emit(reply);
  });
  const config = ReaderConfigSchema.parse({
    id: 'chafon-1',
    protocol: 'chafon',
    device: end.path,
    pollIntervalMs: 20,
    ...FAST,
  });
  const driver = createReaderDriver(config, { clock: systemClock, logger: silentLogger(), serialBinding: end.binding });
  return {
    driver,
    source,
    showTags: (epcs) => source.show(epcs),
    waitFor: holdsWithin,
    breakLink: async () => void (source.unplugged = true),
    restoreLink: async () => void (source.unplugged = false),
    teardown: async () => undefined,
  };
}

function thingMagicHarness(): DriverHarness {
  const source = new StaticTagSource();
  let simulator: ThingMagicReaderSimulator | null = null;
  const end = createMockSerialEnd((bytes) => simulator?.receive(bytes));
  simulator = new ThingMagicReaderSimulator({
    source,
    clock: systemClock,
    send: (bytes) => end.emit(bytes),
    streamIntervalMs: 20,
    keepAliveIntervalMs: 200,
  });
  const config = ReaderConfigSchema.parse({
    id: 'tm-1',
    protocol: 'thingmagic',
    device: end.path,
    keepAliveTimeoutMs: 600,
    ...FAST,
  });
  const driver = createReaderDriver(config, { clock: systemClock, logger: silentLogger(), serialBinding: end.binding });
  return {
    driver,
    showTags: (epcs) => source.show(epcs),
    waitFor: holdsWithin,
    breakLink: async () => void (source.unplugged = true),
    restoreLink: async () => void (source.unplugged = false),
    teardown: async () => simulator?.close(),
  };
}

describeReaderDriverContract('chafon over binding-mock', async () => chafonHarness());
describeReaderDriverContract('thingmagic over binding-mock', async () => thingMagicHarness());

describe('chafon driver details', () => {
  it('normalises antenna bitmask and RSSI magnitude, across multi-frame inventories', async () => {
    const harness = chafonHarness();
    const reads: RawRead[] = [];
    harness.driver.onRead((read) => reads.push(read));
    // 30 tags on one antenna need two reply frames (status 0x03 then 0x01).
    const epcs = Array.from({ length: 30 }, (_, index) =>
      `30340242201D8840009C${index.toString(16).padStart(4, '0')}`.toUpperCase(),
    );
    harness.source.show(epcs, 3, -64);
    await harness.driver.connect();
    await harness.driver.start();
    expect(await holdsWithin(() => new Set(reads.map((read) => read.epc)).size === 30, 5_000)).toBe(true);
    expect(reads.every((read) => read.antenna === 3 && read.rssi === -64)).toBe(true);
    await harness.driver.close();
  });

  it('counts garbage and corrupt replies as bad frames and keeps polling', async () => {
    const source = new StaticTagSource();
    source.show(['3039606303C74380001A0559']);
    const simulator = new ChafonReaderSimulator({ source });
    let polls = 0;
    const end = createMockSerialEnd((bytes, emit) => {
      const replies = simulator.receive(bytes);
      // Every third inventory, the line adds noise in front and corrupts nothing else.
      if (++polls % 3 === 0) emit(Buffer.from([0x42, 0x99, 0x07, 0x00]));
      for (const reply of replies) emit(reply);
      if (polls % 5 === 0) emit(encodeChafonReply(0, 0x01, 0x01, [0x01, 0x01, 0x0c]).subarray(0, 5));
    });
    const driver = serialDriver(
      {
        id: 'chafon-noisy',
        protocol: 'chafon',
        device: end.path,
        pollIntervalMs: 10,
        ...FAST,
      },
      end,
    );
    const reads = await startRecording(driver);
    expect(await holdsWithin(() => reads.length >= 10 && driver.health().framesBad > 0, 5_000)).toBe(true);
    expect(reads.every((read) => read.epc === '3039606303C74380001A0559')).toBe(true);
    await driver.close();
  });

  it('rejects connect with a coded error when nothing answers, and keeps retrying', async () => {
    const end = createMockSerialEnd(() => undefined);
    const driver = serialDriver({ id: 'chafon-dead', protocol: 'chafon', device: end.path, ...FAST }, end);
    await expect(driver.connect()).rejects.toMatchObject({ code: 'SW_READER_TIMEOUT' });
    expect(driver.health()).toMatchObject({ connected: false, lastError: expect.stringContaining('did not answer') });
    await driver.close();
  });
});

describe('variants', () => {
  it('UHFReader18 replies (no antenna, no RSSI) become antenna 1 at rssiDefaultDbm', async () => {
    const source = new StaticTagSource();
    source.show(['3039606303C74380001A0559'], 3, -40);
    const simulator = new ChafonReaderSimulator({ source, variant: 'uhfreader18' });
    const end = createMockSerialEnd((bytes, emit) => {
      for (const reply of simulator.receive(bytes)) emit(reply);
    });
    const driver = serialDriver(
      {
        id: 'ru5102',
        protocol: 'chafon',
        variant: 'uhfreader18',
        rssiDefaultDbm: -65,
        device: end.path,
        pollIntervalMs: 10,
        ...FAST,
      },
      end,
    );
    const reads = await startRecording(driver);
    expect(await holdsWithin(() => reads.length >= 3, 5_000)).toBe(true);
    expect(reads[0]).toMatchObject({ epc: '3039606303C74380001A0559', antenna: 1, rssi: -65 });
    await driver.close();
  });

  it('ThingMagic with two antennas sets the antenna search list before streaming', async () => {
    const source = new StaticTagSource();
    source.show(['3039606303C74380001A0559'], 2, -50);
    const opcodes: number[] = [];
    let simulator: ThingMagicReaderSimulator | null = null;
    const end = createMockSerialEnd((bytes) => {
      opcodes.push(bytes[2] ?? 0);
      simulator?.receive(bytes);
    });
    simulator = new ThingMagicReaderSimulator({
      source,
      clock: systemClock,
      send: (bytes) => end.emit(bytes),
      streamIntervalMs: 20,
    });
    const driver = serialDriver(
      {
        id: 'm6e',
        protocol: 'thingmagic',
        antennas: [1, 2],
        device: end.path,
        ...FAST,
      },
      end,
    );
    const reads = await startRecording(driver);
    expect(await holdsWithin(() => reads.length >= 3, 5_000)).toBe(true);
    // stop (0x2F), Get Version (0x03), Set Antenna Port (0x91), start (0x2F)
    expect(opcodes.slice(0, 4)).toEqual([0x2f, 0x03, 0x91, 0x2f]);
    expect(reads[0]).toMatchObject({ antenna: 2, rssi: -50 });
    await driver.close();
    simulator.close();
  });
});
