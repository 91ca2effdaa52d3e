import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { systemClock } from '../../shared/src/clock.js';
import type { RawRead } from '../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../shared/src/log.js';
import { ReaderConfigSchema } from '../../gateway/src/readers/config.js';
import { createReaderDriver } from '../../gateway/src/readers/factory.js';
import type { ReaderDriver } from '../../gateway/src/readers/driver.js';
import { runSimCli } from '../src/bin.js';
import { freeTcpPort } from '../src/opcua/server.js';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile } from '../src/scenario/load.js';

function collector(): { text: () => string; write: (chunk: string) => boolean } {
  let buffer = '';
  return { text: () => buffer, write: (chunk) => ((buffer += chunk), true) };
}

let directory = '';
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-sim-cli-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('stockwire-sim CLI', () => {
  it('prints help and exits 0', async () => {
    const output = collector();
    expect(await runSimCli(['--help'], output)).toBe(0);
    expect(output.text()).toContain('Usage: stockwire-sim <scenario.yaml|json');
  });

  it.each([
    { name: 'no scenario', args: [], code: 2, message: 'expected exactly one scenario file' },
    { name: 'unknown option', args: ['x.yaml', '--bogus'], code: 2, message: 'bogus' },
    {
      name: 'missing file',
      args: ['/nonexistent/scenario.yaml', '--no-serve'],
      code: 1,
      message: 'cannot read config file',
    },
    {
      name: 'bad loops',
      args: ['simulators/scenarios/dock-door-demo.yaml', '--reads-out', '/dev/null', '--loops=0'],
      code: 2,
      message: '--loops must be a positive number',
    },
  ])('$name exits $code', async ({ args, code, message }) => {
    const output = collector();
    expect(await runSimCli(args, output)).toBe(code);
    expect(output.text()).toContain(message);
  });

  it('names the field of an invalid scenario', async () => {
    const file = join(directory, 'bad.yaml');
    writeFileSync(file, toYaml({ name: 'bad', durationSeconds: 5, readers: [{ id: 'r', protocl: 'chafon' }] }));
    const output = collector();
    expect(await runSimCli([file, '--no-serve'], output)).toBe(1);
    expect(output.text()).toMatch(/readers\.0: Unrecognized key\(s\) in object: 'protocl'/);
  });

  it('writes reads JSONL and expected movements', async () => {
    const readsFile = join(directory, 'reads.jsonl');
    const expectedFile = join(directory, 'expected.json');
    const output = collector();
    expect(
      await runSimCli(
        [
          'simulators/scenarios/store-day.yaml',
          '--reads-out',
          readsFile,
          '--expected-out',
          expectedFile,
          '--start-time',
          '2026-01-01T00:00:00Z',
        ],
        output,
      ),
    ).toBe(0);
    const reads = readFileSync(readsFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RawRead);
    const run = generateScenarioRun(loadScenarioFile('simulators/scenarios/store-day.yaml'));
    expect(reads).toHaveLength(run.reads.length);
    expect(reads[0]?.time).toBeGreaterThanOrEqual(Date.parse('2026-01-01T00:00:00Z'));
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as {
      expected: Array<{ movement: { kind: string; bizStep: string } }>;
    };
    expect(expected.expected.map((entry) => entry.movement.bizStep).sort()).toEqual(
      [...Array(12).fill('removing'), 'receiving', 'shipping', 'stocking'].sort(),
    );
    // The door reader is unplugged from 30 s to 40 s: no reads in that window.
    const start = Date.parse('2026-01-01T00:00:00Z');
    expect(
      reads.some(
        (read) => read.reader === 'door-3-reader' && read.time >= start + 30_000 && read.time < start + 40_000,
      ),
    ).toBe(false);
  });

  it('serves Chafon, ThingMagic, OPC UA and LLRP readers that the unchanged gateway drivers read from', async () => {
    const opcuaPort = await freeTcpPort();
    const scenarioFile = join(directory, 'all-protocols.yaml');
    const stock = (id: string, gtin: string) => ({ id, kind: 'items', serialStart: 1, items: [{ gtin, count: 3 }] });
    writeFileSync(
      scenarioFile,
      toYaml({
        name: 'all-protocols',
        durationSeconds: 60,
        readers: [
          { id: 'chafon-reader', protocol: 'chafon', serialDevice: join(directory, 'chafon'), roundPeriodMs: 100 },
          { id: 'tm-reader', protocol: 'thingmagic', serialDevice: join(directory, 'tm'), roundPeriodMs: 100 },
          { id: 'opcua-reader', protocol: 'opcua', opcuaPort, roundPeriodMs: 100 },
          { id: 'llrp-reader', protocol: 'llrp', llrpVendor: 'zebra', roundPeriodMs: 100 },
        ],
        shelves: [
          { id: 'shelf-a', reader: 'chafon-reader', antennas: [1], readProbability: 1 },
          { id: 'shelf-b', reader: 'tm-reader', antennas: [2], readProbability: 1 },
          { id: 'shelf-c', reader: 'opcua-reader', antennas: [3], readProbability: 1 },
          { id: 'shelf-d', reader: 'llrp-reader', antennas: [4], readProbability: 1 },
        ],
        populations: [
          stock('stock-a', '00614141200016'),
          stock('stock-b', '00614141200023'),
          stock('stock-c', '00614141200030'),
          stock('stock-d', '00614141200047'),
        ],
        timeline: [
          { kind: 'shelf-stock', atSeconds: 0, shelf: 'shelf-a', population: 'stock-a' },
          { kind: 'shelf-stock', atSeconds: 0, shelf: 'shelf-b', population: 'stock-b' },
          { kind: 'shelf-stock', atSeconds: 0, shelf: 'shelf-c', population: 'stock-c' },
          { kind: 'shelf-stock', atSeconds: 0, shelf: 'shelf-d', population: 'stock-d' },
        ],
      }),
    );
    const abort = new AbortController();
    const output = collector();
    const exited = runSimCli(
      [scenarioFile, '--quiet', '--pki-dir', join(directory, 'pki'), '--llrp-port', '0'],
      output,
      {
        signal: abort.signal,
      },
    );
    const drivers: ReaderDriver[] = [];
    try {
      for (let waitedMs = 0; !output.text().includes('readers:') && waitedMs < 20_000; waitedMs += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const printed = parseYaml(output.text().slice(output.text().indexOf('readers:'))) as {
        readers: Array<Record<string, unknown>>;
      };
      expect(printed.readers.map((reader) => reader['protocol']).sort()).toEqual([
        'chafon',
        'llrp',
        'opcua',
        'thingmagic',
      ]);
      const reads: RawRead[] = [];
      for (const entry of printed.readers) {
        const extra =
          entry['protocol'] === 'opcua'
            ? { pkiDir: join(directory, 'client-pki'), trustUnknownServerCertificate: true }
            : {};
        const driver = createReaderDriver(ReaderConfigSchema.parse({ ...entry, ...extra }), {
          clock: systemClock,
          logger: silentLogger(),
        });
        driver.onRead((read) => reads.push(read));
        drivers.push(driver);
        await driver.connect();
        await driver.start();
      }
      const scenarioTags = new Set(generateScenarioRun(loadScenarioFile(scenarioFile)).tags.map((tag) => tag.epc));
      const readersSeen = (): Set<string> => new Set(reads.map((read) => read.reader));
      for (let waitedMs = 0; readersSeen().size < 4 && waitedMs < 15_000; waitedMs += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect([...readersSeen()].sort()).toEqual(['chafon-reader', 'llrp-reader', 'opcua-reader', 'tm-reader']);
      expect(reads.every((read) => scenarioTags.has(read.epc))).toBe(true);
      expect(new Set(reads.filter((read) => read.reader === 'tm-reader').map((read) => read.antenna))).toEqual(
        new Set([2]),
      );
    } finally {
      for (const driver of drivers) await driver.close();
      abort.abort();
    }
    expect(await exited).toBe(0);
  });
});
