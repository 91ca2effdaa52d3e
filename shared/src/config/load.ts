import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { SharedErrors } from '../errors-catalogue.js';
import { raise } from '../errors.js';
import { formatIssues } from '../zod-issues.js';

/**
 * Reads a JSON or YAML config file, validates it once against a strict schema and
 * freezes the result. A bad file throws SW_CONFIG_* naming the file, the field path
 * and what is wrong.
 */
export function loadConfigFile<S extends z.ZodTypeAny>(file: string, schema: S): Readonly<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return raise(
      SharedErrors.CONFIG_UNREADABLE,
      { file, reason: (error as NodeJS.ErrnoException).code ?? String(error) },
      error,
    );
  }
  return parseConfigText(text, file, schema);
}

export function parseConfigText<S extends z.ZodTypeAny>(text: string, file: string, schema: S): Readonly<z.output<S>> {
  const isJson = file.endsWith('.json');
  let raw: unknown;
  try {
    raw = isJson ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return raise(
      SharedErrors.CONFIG_SYNTAX,
      { file, format: isJson ? 'JSON' : 'YAML', reason: error instanceof Error ? error.message : String(error) },
      error,
    );
  }
  const result = schema.safeParse(raw);
  if (!result.success) return raise(SharedErrors.CONFIG_INVALID, { file, issues: formatIssues(result.error.issues) });
  return deepFreeze(result.data);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const entry of Object.values(value as Record<string, unknown>)) deepFreeze(entry);
  }
  return value;
}
