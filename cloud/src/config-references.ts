import { dirname, isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileIssues, formatReferenceIssues, type ReferenceIssue } from '../../shared/src/config/references.js';
import { errorMessage } from '../../shared/src/errors.js';
import { loadCloudConfig, type CloudConfig } from './config.js';
import { loadCatalogFile } from './catalog-file.js';

/**
 * `stockwire-cloud check-config --config <cloud.yaml>` (issue 12): the schema, then every
 * reference: the catalog file loads and validates (duplicate ids included), and the MQTT
 * TLS files are readable regular files. Paths resolve as `run` resolves them.
 */
function referenceIssues(config: CloudConfig, resolvePath: (path: string) => string): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  try {
    loadCatalogFile(resolvePath(config.catalogFile));
  } catch (error) {
    issues.push({ path: 'catalogFile', message: errorMessage(error) });
  }
  const tls = config.mqtt.tls;
  const files = (['caFile', 'certFile', 'keyFile'] as const).flatMap((key) => {
    const file = tls?.[key];
    return file === undefined ? [] : [{ path: `mqtt.tls.${key}`, file: resolvePath(file) }];
  });
  return [...issues, ...fileIssues(files)];
}

export function checkCloudConfigFile(file: string): { code: 0 | 1; text: string } {
  let config: CloudConfig;
  try {
    config = loadCloudConfig(file);
  } catch (error) {
    return { code: 1, text: errorMessage(error) };
  }
  const configDir = dirname(resolve(file));
  const issues = referenceIssues(config, (path) => (isAbsolute(path) ? path : resolve(configDir, path)));
  if (issues.length > 0) return { code: 1, text: formatReferenceIssues(file, issues) };
  return { code: 0, text: `${file}: valid (store ${config.store.kind}, ${config.http.tokens.length} API tokens)` };
}

/** Exit code: 0 valid, 1 invalid, 2 usage. */
export function runCheckConfig(args: string[], output: NodeJS.WritableStream, errors: NodeJS.WritableStream): number {
  const usage =
    'usage: stockwire-cloud check-config --config <cloud.yaml>\n' +
    '  validates the file and everything it names (catalog, TLS files); exit 0 valid, 1 invalid, 2 usage\n';
  let values: { config?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    errors.write(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  if (values.help) {
    output.write(usage);
    return 0;
  }
  if (values.config === undefined) {
    errors.write(usage);
    return 2;
  }
  const outcome = checkCloudConfigFile(values.config);
  (outcome.code === 0 ? output : errors).write(`${outcome.text}\n`);
  return outcome.code;
}
