import { loadConfigFile } from '../../../shared/src/config/load.js';
import { validateScenarioReferences } from './engine.js';
import { ScenarioSchema, type Scenario } from './schema.js';

/** Loads and validates a scenario file (YAML or JSON, by extension), including cross-references. */
export function loadScenarioFile(file: string): Readonly<Scenario> {
  const scenario = loadConfigFile(file, ScenarioSchema);
  validateScenarioReferences(scenario);
  return scenario;
}

/** Validates an inline scenario object (e.g. embedded in the gateway config). Throws a ZodError on bad input. */
export function parseScenario(input: unknown): Scenario {
  const scenario = ScenarioSchema.parse(input);
  validateScenarioReferences(scenario);
  return scenario;
}
