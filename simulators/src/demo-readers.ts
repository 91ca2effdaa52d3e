import { resolve } from 'node:path';
import type { Clock } from '../../shared/src/clock.js';
import type { GatewayConfig } from '../../gateway/src/config.js';
import { LlrpReaderSimulator } from './readers/llrp-sim.js';
import { ScenarioReadSource } from './readers/read-source.js';
import { loadScenarioFile } from './scenario/load.js';

/**
 * The demo's field readers that speak a real network protocol: each `protocol: llrp` reader of
 * the demo gateway config gets an LLRP reader simulator on 127.0.0.1 playing its scenario, and
 * the gateway config is pointed at the port it got. The gateway itself is unchanged.
 */
const DEMO_SCENARIO_OF_READER: Record<string, string> = { 'door-3-reader': 'dock-door-demo.yaml' };

export interface DemoLlrpReaders {
  config: GatewayConfig;
  stop(): Promise<void>;
}

export async function startDemoLlrpReaders(
  config: GatewayConfig,
  options: { clock: Clock; scenarioDir: string; firstPort: number },
): Promise<DemoLlrpReaders> {
  const simulators: LlrpReaderSimulator[] = [];
  const sources: ScenarioReadSource[] = [];
  const stop = async () => {
    for (const source of sources) source.close();
    await Promise.all(simulators.map((simulator) => simulator.stop()));
  };
  try {
    const readers = [];
    for (const reader of config.readers) {
      const scenarioFile = DEMO_SCENARIO_OF_READER[reader.id];
      if (reader.protocol !== 'llrp' || !scenarioFile) {
        readers.push(reader);
        continue;
      }
      const source = new ScenarioReadSource(
        loadScenarioFile(resolve(options.scenarioDir, scenarioFile)),
        reader.id,
        options.clock,
        {
          loop: true,
          seed: 1,
        },
      );
      sources.push(source);
      const port = options.firstPort > 0 ? options.firstPort + simulators.length : 0;
      const simulator = await LlrpReaderSimulator.start({ source, clock: options.clock, port, vendor: 'impinj' });
      simulators.push(simulator);
      readers.push({ ...reader, host: '127.0.0.1', port: simulator.port });
    }
    return { config: { ...config, readers }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
