import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** How many parent folders to climb looking for the bundled simulators/scenarios/ (src and dist layouts differ by one). */
const SCENARIO_SEARCH_DEPTH_MAX = 6;

/**
 * A scenario reference as configs write it: a path (absolute or relative to the
 * working directory), or the bare name of a bundled example (`dock-door-demo`),
 * found in simulators/scenarios/ whether running from src or dist.
 */
export function resolveScenarioFile(reference: string): string {
  const direct = resolve(reference);
  if (existsSync(direct)) return direct;
  const names = /\.(ya?ml|json)$/.test(reference)
    ? [basename(reference)]
    : [`${reference}.yaml`, `${reference}.yml`, `${reference}.json`];
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < SCENARIO_SEARCH_DEPTH_MAX; depth++) {
    for (const name of names) {
      const candidate = join(directory, 'simulators', 'scenarios', name);
      if (existsSync(candidate)) return candidate;
    }
    directory = dirname(directory);
  }
  return direct; // let the loader report the missing file with its usual message
}
