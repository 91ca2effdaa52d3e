import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { SharedErrors } from '../errors-catalogue.js';
import { raise } from '../errors.js';
import { formatIssues } from '../zod-issues.js';

/** Largest config file read: real configs are a few KB; a 50 MB one took 1.8 GB to parse (issue 12). */
export const CONFIG_FILE_BYTES_MAX = 1024 * 1024;

/**
 * Reads a file that configures stockwire (config, catalog, scenario): it must be a
 * regular file (a symlink to /dev/zero or a FIFO would never end) of at most
 * `bytesMax` bytes, both checked on the open descriptor before any byte is read, and
 * at most `bytesMax` bytes are ever read (a file growing meanwhile is still refused).
 */
export function readBoundedFile(file: string, bytesMax = CONFIG_FILE_BYTES_MAX): Buffer {
  const refuse = (reason: string, cause?: unknown): never =>
    raise(SharedErrors.CONFIG_UNREADABLE, { file, reason }, cause);
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch (error) {
    return refuse((error as NodeJS.ErrnoException).code ?? String(error), error);
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return refuse('not a regular file (a device, FIFO, socket or directory)');
    if (stats.size > bytesMax) return refuse(`${stats.size} bytes is more than the ${bytesMax} bytes allowed`);
    const buffer = Buffer.alloc(bytesMax + 1);
    let length = 0;
    for (;;) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > bytesMax) return refuse(`more than the ${bytesMax} bytes allowed`);
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Reads a JSON or YAML config file, validates it once against a strict schema and
 * freezes the result. A bad file throws SW_CONFIG_* naming the file, the field path
 * and what is wrong.
 */
export function loadConfigFile<S extends z.ZodTypeAny>(file: string, schema: S): Readonly<z.output<S>> {
  return parseConfigText(readBoundedFile(file).toString('utf8'), file, schema);
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
