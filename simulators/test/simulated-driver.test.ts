import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/src/clock.js';
import type { RawRead } from '../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../shared/src/log.js';
import { ReaderConfigSchema } from '../../gateway/src/readers/config.js';
import { createSimulatedGatewayReader } from '../src/readers/simulated-gateway-reader.js';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { describeReaderDriverContract } from '../../gateway/test/readers/support/contract.js';

const SHELF_SCENARIO = {
  name: 'contract-shelf',
  durationSeconds: 10,
  readers: [{ id: 'shelf-reader', roundPeriodMs: 200 }],
  shelves: [{ id: 'shelf-b2', reader: 'shelf-reader', antennas: [1], readProbability: 1 }],
  populations: [{ id: 'stock', kind: 'items', items: [{ gtin: '00614141123452', count: 3 }] }],
  timeline: [
    { kind: 'shelf-stock', atSeconds: 0, shelf: 'shelf-b2', population: 'stock' },
    { kind: 'reader-offline', atSeconds: 3, reader: 'shelf-reader', durationSeconds: 3 },
  ],
};

function manualHarnessWait(clock: ManualClock) {
  return async (predicate: () => boolean, timeoutMs: number): Promise<boolean> => {
    for (let waitedMs = 0; waitedMs <= timeoutMs; waitedMs += 50) {
      if (predicate()) return true;
      clock.advanceBy(50);
      // Let the driver's promise chains (reconnect, start) run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return predicate();
  };
}

describeReaderDriverContract('simulated', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const config = ReaderConfigSchema.parse({
    id: 'shelf-reader',
    protocol: 'simulated',
    scenario: SHELF_SCENARIO,
    reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
  });
  const driver = createSimulatedGatewayReader(config, { clock, logger: silentLogger(), random: () => 0.5 });
  return {
    driver,
    showTags: () => undefined,
    waitFor: manualHarnessWait(clock),
    // The scenario unplugs the reader at t=3 s for 3 s; time passing is the break.
    breakLink: async () => undefined,
    restoreLink: async () => undefined,
    teardown: async () => undefined,
  };
});

describe('simulated driver playing the dock-door demo', () => {
  const scenarioFile = 'simulators/scenarios/dock-door-demo.yaml';

  it('replays the scenario reads exactly on the gateway clock, looping with fresh serials', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const config = ReaderConfigSchema.parse({
      id: 'door-3-reader',
      protocol: 'simulated',
      scenario: scenarioFile,
      seed: 1,
      loop: true,
    });
    const driver = createSimulatedGatewayReader(config, { clock, logger: silentLogger() });
    const reads: RawRead[] = [];
    driver.onRead((read) => reads.push(read));
    await driver.connect();
    await driver.start();
    clock.advanceBy(10_000); // two 5 s loops
    await driver.close();

    const scenario = loadScenarioFile(scenarioFile);
    const expected = [0, 1].flatMap((loopIndex) =>
      generateScenarioRun(scenario, { seed: 1, loopIndex }).reads.map((read) => ({
        epc: read.epc,
        antenna: read.antenna,
        rssi: read.rssiDbm,
        time: 1_700_000_000_000 + loopIndex * 5_000 + read.offsetMs,
        reader: 'door-3-reader',
      })),
    );
    expect(reads).toEqual(expected);
    const loopOneSerials = new Set(generateScenarioRun(scenario, { loopIndex: 0 }).tags.map((tag) => tag.epc));
    const loopTwoSerials = generateScenarioRun(scenario, { loopIndex: 1 }).tags.map((tag) => tag.epc);
    expect(loopTwoSerials.some((epc) => loopOneSerials.has(epc))).toBe(false);
  });

  it('rejects a scenario without the requested reader with a coded error', async () => {
    const config = ReaderConfigSchema.parse({
      id: 'x',
      protocol: 'simulated',
      scenario: scenarioFile,
      scenarioReaderId: 'nope',
    });
    const driver = createSimulatedGatewayReader(config, { clock: new ManualClock(0), logger: silentLogger() });
    await expect(driver.connect()).rejects.toMatchObject({ code: 'SW_READER_SCENARIO' });
    await driver.close();
  });
});
