import { accessSync, constants, statSync } from 'node:fs';
import { errorMessage } from '../../shared/src/errors.js';
import { loadGatewayConfig, type GatewayConfig } from './config.js';

/**
 * What `stockwire-gateway check-config` checks beyond the schema (issue 12): every
 * reference in the file resolves. Each antenna of a portal or shelf names a configured
 * reader, and every file the config names (scenario, client certificate and key,
 * MQTT password file, TLS CA, certificate and key) is a readable regular file. Replay
 * configs list no readers on purpose, so the schema itself cannot insist on readers.
 */
export interface ReferenceIssue {
  path: string;
  message: string;
}

/** Reader options that name a file that must exist (pkiDir is created by node-opcua when missing). */
const READER_FILE_KEYS = ['scenario', 'certificateFile', 'privateKeyFile'] as const;

function fileProblem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return `${file} is not a regular file`;
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (error) {
    return `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`;
  }
}

function antennaIssues(config: GatewayConfig): ReferenceIssue[] {
  const readerIds = new Set(config.readers.map((reader) => reader.id));
  const owners = [
    ...config.debounce.portals.map((portal, index) => ({ path: `debounce.portals.${index}`, owner: portal })),
    ...config.debounce.shelves.map((shelf, index) => ({ path: `debounce.shelves.${index}`, owner: shelf })),
  ];
  return owners.flatMap(({ path, owner }) =>
    owner.antennas.flatMap((antenna, index) =>
      readerIds.has(antenna.reader)
        ? []
        : [
            {
              path: `${path}.antennas.${index}.reader`,
              message: `reader "${antenna.reader}" is not defined in readers (defined: ${[...readerIds].join(', ') || 'none'})`,
            },
          ],
    ),
  );
}

function fileIssues(config: GatewayConfig): ReferenceIssue[] {
  const files: { path: string; file: string }[] = [];
  config.readers.forEach((reader, index) => {
    for (const key of READER_FILE_KEYS) {
      const value = (reader as Record<string, unknown>)[key];
      if (typeof value === 'string') files.push({ path: `readers.${index}.${key}`, file: value });
    }
  });
  const mqtt = config.mqtt;
  if (mqtt.passwordFile !== undefined) files.push({ path: 'mqtt.passwordFile', file: mqtt.passwordFile });
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const file = mqtt.tls?.[key];
    if (file !== undefined) files.push({ path: `mqtt.tls.${key}`, file });
  }
  return files.flatMap(({ path, file }) => {
    const problem = fileProblem(file);
    return problem === undefined ? [] : [{ path, message: problem }];
  });
}

export function unresolvedReferences(config: GatewayConfig): ReferenceIssue[] {
  return [...antennaIssues(config), ...fileIssues(config)];
}

/** check-config: schema, then references. Returns the exit code and the text to print. */
export function checkGatewayConfigFile(file: string): { code: 0 | 1; text: string } {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(file);
  } catch (error) {
    return { code: 1, text: errorMessage(error) };
  }
  const issues = unresolvedReferences(config);
  if (issues.length > 0)
    return {
      code: 1,
      text: `${file}: unresolved references:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n')}`,
    };
  return {
    code: 0,
    text: `${file}: valid (site ${config.siteId}, gateway ${config.gatewayId}, ${config.readers.length} readers)`,
  };
}
