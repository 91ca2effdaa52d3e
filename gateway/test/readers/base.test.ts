import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../../shared/src/clock.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../../shared/src/log.js';
import { BaseReaderDriver } from '../../src/readers/base.js';
import { ReconnectConfigSchema } from '../../src/readers/config.js';

/** The smallest driver: a link that opens or fails on demand, reads injected by the test. */
class ScriptedDriver extends BaseReaderDriver {
  linkUp = true;
  opens = 0;
  constructor(clock: Clock, rssiOffsetDbm = 0) {
    super(
      'scripted',
      'test',
      ReconnectConfigSchema.parse({ initialDelayMs: 100, maxDelayMs: 800, jitterRatio: 0 }),
      rssiOffsetDbm,
      { clock, logger: silentLogger() },
    );
  }
  protected async openLink(): Promise<void> {
    this.opens++;
    if (!this.linkUp) throw new Error('no such device');
  }
  protected async closeLink(): Promise<void> {}
  protected async startInventory(): Promise<void> {}
  protected async stopInventory(): Promise<void> {}
  read(epc: string, rssiDbm: number): void {
    this.emitRead(epc, 1, rssiDbm);
  }
  lose(): void {
    this.linkLost(new Error('cable pulled'));
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A driver whose backoff resets only after the link stayed up `healthyMs` (as the LLRP driver does). */
class PatientDriver extends ScriptedDriver {
  constructor(
    clock: Clock,
    private readonly healthyMs: number,
  ) {
    super(clock);
  }
  protected override backoffResetAfterMs(): number {
    return this.healthyMs;
  }
  count(name: string): void {
    this.countEvent(name);
  }
}

/** Drives `driver` through one lose → reconnect cycle and returns the delay the reconnect took. */
async function reconnectDelayMs(manual: ManualClock, driver: ScriptedDriver): Promise<number> {
  const opensBefore = driver.opens;
  const lostAtMs = manual.nowMs();
  driver.lose();
  for (let stepMs = 0; driver.opens === opensBefore && stepMs < 10_000; stepMs += 10) {
    manual.advanceBy(10);
    await flush();
  }
  return manual.nowMs() - lostAtMs;
}

describe('BaseReaderDriver', () => {
  it('never lets read time go backwards when the gateway clock steps back, and applies the RSSI offset', async () => {
    const manual = new ManualClock(10_000);
    let stepMs = 0;
    // A clock that NTP can step: ManualClock itself only moves forward.
    const clock: Clock = {
      nowMs: () => manual.nowMs() + stepMs,
      setTimeout: (callback, delayMs) => manual.setTimeout(callback, delayMs),
      setInterval: (callback, periodMs) => manual.setInterval(callback, periodMs),
    };
    const driver = new ScriptedDriver(clock, -2);
    const reads: RawRead[] = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    driver.read('30340242201D8840009C4005', -60);
    stepMs = -5_000;
    driver.read('30340242201D8840009C4005', -61);
    manual.advanceTo(17_000);
    driver.read('30340242201D8840009C4005', -62);
    expect(reads.map((read) => [read.time, read.rssi])).toEqual([
      [10_000, -62],
      [10_000, -63],
      [12_000, -64],
    ]);
    expect(driver.health().readsPerSecond).toBeCloseTo(0.3);
  });

  it('retries a failed first connect with exponential backoff until the device appears', async () => {
    const clock = new ManualClock(0);
    const driver = new ScriptedDriver(clock);
    driver.linkUp = false;
    await expect(driver.connect()).rejects.toMatchObject({ code: 'SW_READER_CONNECT_FAILED' });
    for (const stepMs of [100, 200, 400]) {
      clock.advanceBy(stepMs);
      await flush();
    }
    expect(driver.opens).toBe(4);
    driver.linkUp = true;
    clock.advanceBy(800);
    await flush();
    expect(driver.health()).toMatchObject({ connected: true, lastError: 'no such device' });
    driver.lose();
    expect(driver.health()).toMatchObject({ connected: false, lastError: 'cable pulled' });
    clock.advanceBy(100);
    await flush();
    expect(driver.health()).toMatchObject({ connected: true, reconnects: 2 });
    await driver.close();
  });

  it('keeps the I/O path alive when the sink throws', async () => {
    const driver = new ScriptedDriver(new ManualClock(0));
    driver.onRead(() => {
      throw new Error('consumer bug');
    });
    await driver.connect();
    expect(() => driver.read('30340242201D8840009C4005', -50)).not.toThrow();
    expect(driver.health().lastReadTime).toBe(0);
  });

  it('with a healthy period, a link that keeps dropping right after connecting keeps backing off', async () => {
    const manual = new ManualClock(0);
    const driver = new PatientDriver(manual, 5_000);
    await driver.connect();
    // Dropped again and again within the healthy period: 100 → 200 → 400 ms, not 100 each time.
    expect(await reconnectDelayMs(manual, driver)).toBe(100);
    expect(await reconnectDelayMs(manual, driver)).toBe(200);
    expect(await reconnectDelayMs(manual, driver)).toBe(400);
    // Up for longer than the healthy period: the next drop starts from the first delay again.
    manual.advanceBy(5_000);
    await flush();
    expect(await reconnectDelayMs(manual, driver)).toBe(100);
    await driver.close();
  });

  it('counts reader conditions into health().counters, sorted and bounded', async () => {
    const driver = new PatientDriver(new ManualClock(0), 0);
    driver.count('bufferOverflows');
    driver.count('bufferOverflows');
    driver.count('antennaDisconnected');
    for (let index = 0; index < 100; index++) driver.count(`noise-${index}`);
    const counters = driver.health().counters ?? {};
    expect(Object.keys(counters).slice(0, 2)).toEqual(['antennaDisconnected', 'bufferOverflows']);
    expect(counters['bufferOverflows']).toBe(2);
    expect(Object.keys(counters).length).toBe(32);
  });
});
