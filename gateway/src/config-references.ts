import { fileIssues, formatReferenceIssues, type ReferenceIssue } from '../../shared/src/config/references.js';
import { errorMessage } from '../../shared/src/errors.js';
import { loadGatewayConfig, type GatewayConfig } from './config.js';

/**
 * What `stockwire-gateway check-config` checks beyond the schema (issue 12): every
 * reference in the file resolves. Each antenna of a portal or shelf names a configured
 * reader, and every file the config names (scenario, client certificate and key,
 * MQTT password file, TLS CA, certificate and key) is a readable regular file. Replay
 * configs list no readers on purpose, so the schema itself cannot insist on readers.
 */

/** Reader options that name a file that must exist (pkiDir is created by node-opcua when missing). */
const READER_FILE_KEYS = ['scenario', 'certificateFile', 'privateKeyFile'] as const;

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

function namedFiles(config: GatewayConfig): { path: string; file: string }[] {
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
  return files;
}

export function unresolvedReferences(config: GatewayConfig): ReferenceIssue[] {
  return [...antennaIssues(config), ...fileIssues(namedFiles(config))];
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
      text: formatReferenceIssues(file, issues),
    };
  return {
    code: 0,
    text: `${file}: valid (site ${config.siteId}, gateway ${config.gatewayId}, ${config.readers.length} readers)`,
  };
}
