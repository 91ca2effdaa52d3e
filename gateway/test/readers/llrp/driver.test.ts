import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/src/clock.js';
import type { RawRead } from '../../../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../../../shared/src/log.js';
import { ReaderConfigSchema } from '../../../src/readers/config.js';
import type { GpiEvent, ReaderDriver } from '../../../src/readers/driver.js';
import { createReaderDriver } from '../../../src/readers/factory.js';
import { LlrpReaderDriver } from '../../../src/readers/llrp/driver.js';
import { LlrpReaderSimulator } from '../../../../simulators/src/readers/llrp-sim.js';
import { StaticTagSource } from '../../../../simulators/src/readers/read-source.js';
import { holdsWithin } from '../../../../test/support/wait.js';
import { CONTRACT_EPCS, describeReaderDriverContract } from '../support/contract.js';

/**
 * The LLRP driver against the LLRP reader simulator over real TCP on 127.0.0.1: the shared
 * driver contract (Impinj and Zebra profiles), then the fault suite — a client-initiated
 * connection already exists, keepalive loss, reboot mid-session, buffer overflow, garbage.
 */
function llrpConfig(port: number, extra: Record<string, unknown> = {}) {
  return ReaderConfigSchema.parse({
    id: 'dock-llrp',
    protocol: 'llrp',
    host: '127.0.0.1',
    port,
    keepaliveMs: 500,
    keepaliveMissedMax: 2,
    responseTimeoutMs: 2_000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    ...extra,
  });
}

function newDriver(port: number, extra: Record<string, unknown> = {}): ReaderDriver {
  return createReaderDriver(llrpConfig(port, extra), { clock: systemClock, logger: silentLogger() });
}

for (const vendor of ['impinj', 'zebra'] as const) {
  describeReaderDriverContract(`llrp ${vendor}`, async () => {
    const source = new StaticTagSource();
    let simulator = await LlrpReaderSimulator.start({ source, clock: systemClock, vendor });
    const port = simulator.port;
    return {
      driver: newDriver(port, { impinjExtensions: vendor === 'impinj', antennas: [1, 2] }),
      showTags: (epcs) => source.show(epcs, 1, -55),
      waitFor: holdsWithin,
      breakLink: () => simulator.stop(),
      restoreLink: async () => {
        simulator = await LlrpReaderSimulator.start({ source, clock: systemClock, vendor, port });
      },
      teardown: () => simulator.stop().catch(() => undefined),
    };
  });
}

describe('llrp driver: faults', () => {
  const source = new StaticTagSource();
  let simulator: LlrpReaderSimulator | null = null;
  let driver: ReaderDriver | null = null;
  let reads: RawRead[] = [];

  async function startPair(extra: Record<string, unknown> = {}, vendor: 'impinj' | 'zebra' = 'impinj') {
    source.show(CONTRACT_EPCS, 2, -52);
    simulator = await LlrpReaderSimulator.start({ source, clock: systemClock, vendor });
    driver = newDriver(simulator.port, extra);
    reads = [];
    driver.onRead((read) => reads.push(read));
    return { simulator, driver };
  }

  afterEach(async () => {
    await driver?.close();
    await simulator?.stop();
    driver = null;
    simulator = null;
  });

  it('reads Impinj peak RSSI in dBm×100 when extensions are on, whole dBm otherwise', async () => {
    const pair = await startPair({ impinjExtensions: true });
    source.show(CONTRACT_EPCS, 2, -52.37);
    await pair.driver.connect();
    await pair.driver.start();
    expect(await holdsWithin(() => reads.length >= 2, 5_000)).toBe(true);
    expect(reads[0]).toMatchObject({ antenna: 2, rssi: -52.37, reader: 'dock-llrp' });
    await pair.driver.close();
    expect(await holdsWithin(() => !pair.simulator.hasClient, 2_000)).toBe(true);
    driver = newDriver(pair.simulator.port);
    reads = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    await driver.start();
    expect(await holdsWithin(() => reads.length >= 2, 5_000)).toBe(true);
    expect(reads[0]?.rssi).toBe(-52);
  });

  it('a second client is refused with "a client-initiated connection already exists" and retries', async () => {
    const pair = await startPair();
    await pair.driver.connect();
    const second = newDriver(pair.simulator.port, { id: 'second-client' });
    await expect(second.connect()).rejects.toMatchObject({ code: 'SW_READER_LLRP_CONNECTION_REFUSED' });
    expect(second.health().lastError).toContain('client-initiated connection already exists');
    expect(second.health().counters?.['connectionRefused']).toBe(1);
    // The first client leaves; the second gets in on its own backoff.
    await pair.driver.close();
    expect(await holdsWithin(() => second.health().connected, 5_000)).toBe(true);
    await second.close();
  });

  it('a stale session: refused until the reader drops it, then connects', async () => {
    const pair = await startPair();
    pair.simulator.holdStaleSession(600);
    await expect(pair.driver.connect()).rejects.toMatchObject({ code: 'SW_READER_LLRP_CONNECTION_REFUSED' });
    expect(await holdsWithin(() => pair.driver.health().connected, 5_000)).toBe(true);
    expect(pair.simulator.counters.connectionsRefused).toBeGreaterThanOrEqual(1);
  });

  it('keepalives stop: the watchdog declares the link dead and reconnects', async () => {
    const pair = await startPair();
    await pair.driver.connect();
    await pair.driver.start();
    expect(await holdsWithin(() => pair.simulator.keepaliveAcks >= 1, 3_000)).toBe(true);
    pair.simulator.freeze();
    expect(await holdsWithin(() => (pair.driver.health().counters?.['keepaliveTimeouts'] ?? 0) >= 1, 5_000)).toBe(true);
    expect(pair.driver.health().lastError).toContain('sent nothing');
    pair.simulator.thaw();
    expect(await holdsWithin(() => pair.driver.health().connected && pair.simulator.hasClient, 5_000)).toBe(true);
    const before = reads.length;
    expect(await holdsWithin(() => reads.length > before, 5_000)).toBe(true);
  });

  it('reboot mid-session: the ROSpec is forgotten and re-added after reconnect; reads resume', async () => {
    const pair = await startPair();
    await pair.driver.connect();
    await pair.driver.start();
    expect(await holdsWithin(() => reads.length > 0, 3_000)).toBe(true);
    pair.simulator.reboot(500);
    expect(pair.simulator.rospecCount).toBe(0);
    expect(await holdsWithin(() => !pair.driver.health().connected, 3_000)).toBe(true);
    expect(await holdsWithin(() => pair.driver.health().connected, 5_000)).toBe(true);
    expect(pair.simulator.rospecCount).toBe(1);
    const before = reads.length;
    expect(await holdsWithin(() => reads.length > before, 5_000)).toBe(true);
    expect(pair.driver.health().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('buffer warning then overflow are counted in health and named in lastError', async () => {
    const pair = await startPair();
    await pair.driver.connect();
    await pair.driver.start();
    pair.simulator.bufferWarningThenOverflow(85);
    expect(await holdsWithin(() => pair.driver.health().counters?.['bufferOverflows'] === 1, 3_000)).toBe(true);
    expect(pair.driver.health().counters?.['bufferWarnings']).toBe(1);
    expect(pair.driver.health().lastError).toContain('overflowed');
  });

  it('garbage bytes are counted as bad and the reads after them still arrive', async () => {
    const pair = await startPair();
    await pair.driver.connect();
    await pair.driver.start();
    pair.simulator.sendGarbage(Buffer.from('ffffffff00deadbeef0102030405060708090a', 'hex'));
    const before = reads.length;
    expect(await holdsWithin(() => pair.driver.health().framesBad >= 1 && reads.length > before + 2, 3_000)).toBe(true);
  });

  it('Zebra: its vendor custom parameter is skipped and counted, never fatal', async () => {
    const pair = await startPair({}, 'zebra');
    await pair.driver.connect();
    await pair.driver.start();
    expect(await holdsWithin(() => reads.length >= 4, 3_000)).toBe(true);
    expect(pair.driver.health().counters?.['unknownCustom']).toBeGreaterThan(0);
    expect(pair.driver.health().framesBad).toBe(0);
  });

  it('GPI start/stop triggers: reads only while the beam is broken; GPI events reach onGpi', async () => {
    const pair = await startPair({ gpiTrigger: { startPort: 1, timeoutMs: 0 } });
    const gpi: GpiEvent[] = [];
    pair.driver.onGpi?.((event) => gpi.push(event));
    await pair.driver.connect();
    await pair.driver.start();
    await holdsWithin(() => false, 300);
    expect(reads.length).toBe(0);
    pair.simulator.setGpi(1, true);
    expect(await holdsWithin(() => reads.length >= 2, 3_000)).toBe(true);
    pair.simulator.setGpi(1, false);
    expect(await holdsWithin(() => gpi.length === 2, 3_000)).toBe(true);
    await holdsWithin(() => false, 200);
    const afterStop = reads.length;
    await holdsWithin(() => false, 400);
    expect(reads.length).toBe(afterStop);
    expect(gpi.map((event) => [event.port, event.state])).toEqual([
      [1, true],
      [1, false],
    ]);
  });

  it('report.everyTags 0 + report.intervalMs: the reader holds reports until GET_REPORT asks for them', async () => {
    const pair = await startPair({ report: { everyTags: 0, intervalMs: 300 } });
    await pair.driver.connect();
    await pair.driver.start();
    await holdsWithin(() => false, 150);
    expect(reads.length).toBe(0); // nothing before the first GET_REPORT
    expect(await holdsWithin(() => reads.length >= 4, 3_000)).toBe(true);
  });

  it('maps powerDbm through the reader power table and reads only configured antennas', async () => {
    const pair = await startPair({ powerDbm: 27.3, antennas: [1] });
    await pair.driver.connect();
    const llrp = pair.driver as LlrpReaderDriver;
    const capabilities = llrp.readerCapabilities;
    if (!capabilities) throw new Error('no capabilities');
    const plan = llrp.roSpecPlan(capabilities);
    // Impinj table: 10.00 dBm at index 1 in 0.25 dB steps → 27.25 dBm is index 70.
    expect(plan.transmitPowerIndex).toBe(70);
    expect(plan.antennaIds).toEqual([1]);
    await pair.driver.start();
    await holdsWithin(() => false, 400);
    expect(reads.length).toBe(0); // the tags are on antenna 2
  });
});
