import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CONFIG_FILE_BYTES_MAX, loadConfigFile } from '../../shared/src/config/load.js';
import { CatalogSchema } from '../../cloud/src/ledger/catalog.js';
import { checkGatewayConfigFile } from '../../gateway/src/config-references.js';
import { checkCloudConfigFile } from '../../cloud/src/config-references.js';

/** Issue 12, finding 5 (configs): bounded regular files, every reference resolved, no duplicate ids. */
const directory = mkdtempSync(join(tmpdir(), 'stockwire-config-hostile-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const ROOT = join(import.meta.dirname, '..', '..');

let counter = 0;
function writeConfig(config: unknown): string {
  const file = join(directory, `gateway-${counter++}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}
writeFileSync(join(directory, 'scenario.yaml'), 'readers: []\n');
writeFileSync(join(directory, 'password'), 'secret\n');

const reader = (id: string, scenario = 'scenario.yaml') => ({ id, protocol: 'simulated', scenario });
const gateway = (overrides: Record<string, unknown> = {}) => ({
  siteId: 'store-1',
  gatewayId: 'dock-gw-1',
  readers: [reader('door-reader')],
  debounce: {
    portals: [
      {
        id: 'door-1',
        inboundLocation: 'urn:stockwire:loc:store-1:backroom',
        outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
        antennas: [
          { reader: 'door-reader', antenna: 1, side: 'outside' },
          { reader: 'door-reader', antenna: 2, side: 'inside' },
        ],
      },
    ],
  },
  mqtt: { url: 'mqtt://127.0.0.1:1', username: 'dock-gw-1', passwordFile: 'password' },
  outbox: { path: ':memory:' },
  ...overrides,
});

describe('config hardening', () => {
  it('reads a config only when it is a regular file: a symlink to /dev/zero fails fast', () => {
    const link = join(directory, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    const startedMs = performance.now();
    expect(() => loadConfigFile(link, CatalogSchema)).toThrow(/SW_CONFIG_UNREADABLE|not a regular file/);
    expect(performance.now() - startedMs).toBeLessThan(500);
    expect(() => loadConfigFile(directory, CatalogSchema)).toThrow(/not a regular file/);
  });

  it(`refuses a config larger than ${CONFIG_FILE_BYTES_MAX} bytes before reading it`, () => {
    const file = join(directory, 'huge.yaml');
    writeFileSync(file, `# ${'x'.repeat(CONFIG_FILE_BYTES_MAX)}\nproducts: []\n`);
    expect(() => loadConfigFile(file, CatalogSchema)).toThrow(/bytes is more than the 1048576 bytes allowed/);
  });

  it('check-config says valid for a config whose references all resolve', () => {
    const outcome = checkGatewayConfigFile(writeConfig(gateway()));
    expect(outcome.text).toContain('valid');
    expect(outcome.code).toBe(0);
  });

  it.each([
    [
      'an antenna bound to an undefined reader',
      gateway({ readers: [reader('other-reader')] }),
      'debounce.portals.0.antennas.0.reader: reader "door-reader" is not defined',
    ],
    [
      'duplicate reader ids',
      gateway({ readers: [reader('door-reader'), reader('door-reader')] }),
      'duplicate id "door-reader"',
    ],
    ['a missing scenario file', gateway({ readers: [reader('door-reader', 'missing.yaml')] }), 'readers.0.scenario:'],
    [
      'a missing password file',
      gateway({ mqtt: { url: 'mqtt://127.0.0.1:1', passwordFile: 'nope' } }),
      'mqtt.passwordFile:',
    ],
    [
      'a TLS CA file that is a directory',
      gateway({ mqtt: { url: 'mqtts://127.0.0.1:1', tls: { caFile: '.' } } }),
      'mqtt.tls.caFile:',
    ],
  ])('check-config refuses %s, naming it', (_name, config, words) => {
    const outcome = checkGatewayConfigFile(writeConfig(config));
    expect(outcome.code).toBe(1);
    expect(outcome.text).toContain(words);
  });

  it('refuses a catalog that lists a location or SKU twice', () => {
    const file = join(directory, 'catalog.yaml');
    writeFileSync(
      file,
      stringify({
        products: [
          { gtin: '00000000000017', sku: 'A', valuation: 'fifo' },
          { gtin: '00000000000024', sku: 'A', valuation: 'fifo' },
        ],
        locations: [
          { id: 'x', site: 's', kind: 'backroom' },
          { id: 'x', site: 's', kind: 'shelf' },
        ],
      }),
    );
    expect(() => loadConfigFile(file, CatalogSchema)).toThrow(
      /products\.1\.sku: duplicate sku "A"[\s\S]*locations\.1\.id/,
    );
  });

  it('the real stockwire-gateway check-config exits 1 at once on a config symlinked to /dev/zero', async () => {
    const link = join(directory, 'gateway-zero.yaml');
    symlinkSync('/dev/zero', link);
    const startedMs = performance.now();
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'gateway/src/bin.ts', 'check-config', '--config', link],
      {
        cwd: ROOT,
        timeout: 20_000,
      },
    );
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('not a regular file') });
    console.log(
      `check-config on /dev/zero exited in ${(performance.now() - startedMs).toFixed(0)} ms (process start included)`,
    );
  }, 30_000);
});

describe('stockwire-cloud check-config', () => {
  const cloudConfig = (overrides: Record<string, unknown>) => {
    const file = join(directory, `cloud-${counter++}.yaml`);
    writeFileSync(file, stringify({ catalogFile: join(ROOT, 'config', 'demo', 'catalog.yaml'), ...overrides }));
    return file;
  };

  it.each([
    ['a valid config', {}, 0, 'valid'],
    ['a missing catalog', { catalogFile: 'missing.yaml' }, 1, 'catalogFile:'],
    ['a TLS CA that does not exist', { mqtt: { tls: { caFile: 'no-ca.pem' } } }, 1, 'mqtt.tls.caFile:'],
  ])('checks %s', (_name, overrides, code, words) => {
    const outcome = checkCloudConfigFile(cloudConfig(overrides));
    expect(outcome.text).toContain(words);
    expect(outcome.code).toBe(code);
  });
});
