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
});
