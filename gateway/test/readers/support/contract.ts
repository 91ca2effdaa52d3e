import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawReadSchema, type RawRead } from '../../../../shared/src/contracts/raw-read.js';
import type { StockwireError } from '../../../../shared/src/errors.js';
import type { ReaderDriver } from '../../../src/readers/driver.js';

/**
 * The one contract every ReaderDriver passes (MQTT.js abstract_store style). A
 * harness wraps a driver and the far end that feeds it (simulator over a mock
 * binding, a real OPC UA server, a scenario on a ManualClock).
 */
export interface DriverHarness {
  driver: ReaderDriver;
  /** Makes the far end report tags from now on (the simulated harness ignores this: its scenario decides). */
  showTags(epcs: readonly string[]): void;
  /** Lets time pass until the predicate holds (real or manual time); false on timeout. */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean>;
  /** Kills the link from the far end (unplug / server down). */
  breakLink(): Promise<void>;
  /** Brings the far end back. */
  restoreLink(): Promise<void>;
  teardown(): Promise<void>;
}

export const CONTRACT_EPCS = ['3039606303C74380001A0559', '30340242201D8840009C4005'];

export function describeReaderDriverContract(name: string, createHarness: () => Promise<DriverHarness>): void {
  describe(`ReaderDriver contract: ${name}`, () => {
    let harness: DriverHarness;
    let reads: RawRead[];

    beforeEach(async () => {
      harness = await createHarness();
      reads = [];
      harness.driver.onRead((read) => reads.push(read));
    });
    afterEach(async () => {
      await harness.driver.close();
      await harness.teardown();
    });

    it('connects, streams normalised reads after start, and reports health', async () => {
      await harness.driver.connect();
      expect(harness.driver.health().connected).toBe(true);
      harness.showTags(CONTRACT_EPCS);
      await harness.driver.start();
      expect(await harness.waitFor(() => reads.length >= 4, 10_000)).toBe(true);
      for (const read of reads) {
        expect(RawReadSchema.parse(read)).toEqual(read);
        expect(read.reader).toBe(harness.driver.readerId);
        expect(read.rssi).toBeLessThan(0);
      }
      const times = reads.map((read) => read.time);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const health = harness.driver.health();
      expect(health.framesOk).toBeGreaterThan(0);
      expect(health.lastReadTime).toBe(times.at(-1));
      expect(health.readerId).toBe(harness.driver.readerId);
    });

    it('stops streaming after stop(); stop is idempotent and safe before start', async () => {
      await harness.driver.connect();
      await harness.driver.stop();
      harness.showTags(CONTRACT_EPCS);
      await harness.driver.start();
      expect(await harness.waitFor(() => reads.length > 0, 10_000)).toBe(true);
      await harness.driver.stop();
      await harness.driver.stop();
      const countAfterStop = reads.length;
      await harness.waitFor(() => false, 600);
      // A frame already in flight may land; a running inventory would add many more.
      expect(reads.length - countAfterStop).toBeLessThanOrEqual(4);
    });

    it('reconnects after the link dies and resumes reads without another start()', async () => {
      await harness.driver.connect();
      harness.showTags(CONTRACT_EPCS);
      await harness.driver.start();
      expect(await harness.waitFor(() => reads.length > 0, 10_000)).toBe(true);
      await harness.breakLink();
      expect(await harness.waitFor(() => !harness.driver.health().connected, 10_000)).toBe(true);
      await harness.restoreLink();
      harness.showTags(CONTRACT_EPCS);
      expect(await harness.waitFor(() => harness.driver.health().connected, 20_000)).toBe(true);
      const countAfterReconnect = reads.length;
      expect(await harness.waitFor(() => reads.length > countAfterReconnect, 20_000)).toBe(true);
      const health = harness.driver.health();
      expect(health.reconnects).toBeGreaterThanOrEqual(1);
      expect(health.lastError).not.toBeNull();
    });

    it('is unusable after close()', async () => {
      await harness.driver.connect();
      await harness.driver.close();
      expect(harness.driver.health().connected).toBe(false);
      await expect(harness.driver.connect()).rejects.toMatchObject({
        code: 'SW_READER_CLOSED',
      } satisfies Partial<StockwireError>);
    });
  });
}
