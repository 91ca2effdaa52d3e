/** Public surface of the simulators (used by the demo, the gateway's simulated driver and tests). */
export { generateScenarioRun, readerAntennas, READS_MAX_DEFAULT } from './scenario/engine.js';
export type {
  ExpectedMovement,
  ReaderOutage,
  ScenarioRun,
  SimulatedRead,
  SimulatedTag,
  GenerateOptions,
} from './scenario/engine.js';
export { loadScenarioFile, parseScenario, resolveScenarioFile } from './scenario/load.js';
export { ScenarioSchema } from './scenario/schema.js';
export type { Scenario, ScenarioInput } from './scenario/schema.js';
export { generateScenarioReads, runToRawReads, writeReadsJsonl } from './reads-jsonl.js';
export type { ExpectedMovementAt, GeneratedScenario, GenerateJsonlOptions } from './reads-jsonl.js';
export { encodeSgtin96, encodeSscc96, gs1CheckDigit, isValidGtin14 } from './epc-encode.js';
export { mulberry32, deriveSeed } from './prng.js';
