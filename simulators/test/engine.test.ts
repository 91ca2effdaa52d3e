import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawReadSchema } from '../../shared/src/contracts/raw-read.js';
import { encodeSgtin96, encodeSscc96, gs1CheckDigit } from '../src/epc-encode.js';
import { generateScenarioReads, writeReadsJsonl } from '../src/reads-jsonl.js';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile, parseScenario, resolveScenarioFile } from '../src/scenario/load.js';

const demo = loadScenarioFile('simulators/scenarios/dock-door-demo.yaml');

describe('EPC encoders', () => {
  it.each([
    // The vector from issue 7 (a UHFReader288 reply): urn:epc:id:sgtin:360844.0990478.1705305, filter 1.
    {
      gtin: `0360844990478${gs1CheckDigit('0360844990478')}`,
      companyPrefixLength: 6,
      serial: 1705305,
      filter: 1,
      hex: '3039606303C74380001A0559',
      uri: 'urn:epc:id:sgtin:360844.0990478.1705305',
    },
    // GS1 TDS example: urn:epc:id:sgtin:0614141.812345.6789 (filter 3).
    {
      gtin: '80614141123458',
      companyPrefixLength: 7,
      serial: 6789,
      filter: 3,
      hex: '3074257BF7194E4000001A85',
      uri: 'urn:epc:id:sgtin:0614141.812345.6789',
    },
  ])('SGTIN-96 $uri', ({ hex, uri, ...input }) => {
    expect(encodeSgtin96(input)).toEqual({ hex, uri });
  });

  it('SSCC-96 matches the TDS example urn:epc:id:sscc:0614141.1234567890', () => {
    expect(encodeSscc96({ companyPrefix: '0614141', extensionDigit: 1, serial: 234567890, filter: 3 })).toEqual({
      hex: '3174257BF4499602D2000000',
      uri: 'urn:epc:id:sscc:0614141.1234567890',
    });
  });

  it('rejects a GTIN with a wrong check digit', () => {
    expect(() => encodeSgtin96({ gtin: '10614141000010', companyPrefixLength: 7, serial: 1 })).toThrow(
      expect.objectContaining({ code: 'SW_SIM_BAD_GTIN' }),
    );
  });
});

describe('scenario engine', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const first = generateScenarioRun(demo, { seed: 7 });
    expect(generateScenarioRun(demo, { seed: 7 })).toEqual(first);
    expect(generateScenarioRun(demo, { seed: 8 }).reads).not.toEqual(first.reads);
  });

  it('an inbound pass is read outside first, inside last, several times per tag, with rising then falling RSSI', () => {
    const run = generateScenarioRun(demo);
    const movement = run.expected[0];
    expect(movement).toMatchObject({ kind: 'portal', direction: 'inbound', bizStep: 'receiving', doorId: 'door-3' });
    if (movement?.kind !== 'portal') throw new Error('expected a portal movement');
    expect(movement.epcs).toHaveLength(12);
    for (const epc of [movement.parentEpc ?? '', ...movement.epcs]) {
      const tagReads = run.reads.filter((read) => read.epc === epc && read.antenna <= 2);
      expect(tagReads.length).toBeGreaterThanOrEqual(6);
      const outside = tagReads.filter((read) => read.antenna === 1);
      const inside = tagReads.filter((read) => read.antenna === 2);
      const meanTime = (reads: typeof tagReads) => reads.reduce((sum, read) => sum + read.offsetMs, 0) / reads.length;
      expect(meanTime(outside)).toBeLessThan(meanTime(inside));
      const peak = Math.max(...inside.map((read) => read.rssiDbm));
      expect(peak).toBeGreaterThan(inside[0]?.rssiDbm ?? 0);
    }
    // Missed reads: far fewer than one per slot per tag.
    expect(run.reads.length).toBeLessThan(13 * 2 * 15);
  });

  it('an outbound pass reads the inside antenna first', () => {
    const scenario = parseScenario({
      ...demo,
      timeline: [
        { kind: 'pallet-pass', atSeconds: 0.5, door: 'door-3', population: 'pallet-a', direction: 'outbound' },
      ],
    });
    const run = generateScenarioRun(scenario);
    const firstReads = run.reads.filter((read) => read.antenna <= 2).slice(0, 10);
    expect(firstReads.filter((read) => read.antenna === 2).length).toBeGreaterThan(
      firstReads.filter((read) => read.antenna === 1).length,
    );
    expect(run.expected[0]).toMatchObject({ bizStep: 'shipping' });
  });

  it('produces occasional weak stray reads at the neighbouring door over 20 loops', () => {
    const strays = Array.from({ length: 20 }, (_, loopIndex) => generateScenarioRun(demo, { loopIndex })).flatMap(
      (run) => run.reads.filter((read) => read.antenna >= 3),
    );
    expect(strays.length).toBeGreaterThan(0);
    expect(strays.length).toBeLessThan(200);
    for (const stray of strays) expect(stray.rssiDbm).toBeLessThan(-65);
  });

  it('takes items off a shelf, drops reads while a reader is unplugged, and expects the removals', () => {
    const scenario = parseScenario({
      name: 'shelf',
      durationSeconds: 700,
      readers: [{ id: 'shelf-reader', roundPeriodMs: 1000 }],
      shelves: [{ id: 'shelf-b2', reader: 'shelf-reader', antennas: [1, 2] }],
      populations: [{ id: 'stock', kind: 'items', items: [{ gtin: '00614141123452', count: 20 }] }],
      timeline: [
        { kind: 'shelf-stock', atSeconds: 0, shelf: 'shelf-b2', population: 'stock' },
        { kind: 'shelf-take', atSeconds: 60, shelf: 'shelf-b2', count: 12, overSeconds: 600 },
        { kind: 'reader-offline', atSeconds: 30, reader: 'shelf-reader', durationSeconds: 10 },
      ],
    });
    const run = generateScenarioRun(scenario);
    const removals = run.expected.filter((movement) => movement.kind === 'shelf' && movement.bizStep === 'removing');
    expect(removals).toHaveLength(12);
    for (const removal of removals) {
      if (removal.kind !== 'shelf') continue;
      expect(run.reads.some((read) => read.epc === removal.epcs[0] && read.offsetMs >= removal.atMs)).toBe(false);
    }
    expect(run.reads.some((read) => read.offsetMs >= 30_000 && read.offsetMs < 40_000)).toBe(false);
    expect(run.outages).toEqual([{ readerId: 'shelf-reader', fromMs: 30_000, toMs: 40_000 }]);
  });

  it('names an unknown reference with a coded error', () => {
    expect(() =>
      parseScenario({
        ...demo,
        timeline: [{ kind: 'pallet-pass', atSeconds: 1, door: 'door-9', population: 'pallet-a', direction: 'inbound' }],
      }),
    ).toThrow(expect.objectContaining({ code: 'SW_SIM_SCENARIO_REFERENCE' }));
  });

  it('writes valid RawRead JSONL with expected movements in epoch time', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'stockwire-sim-'));
    try {
      const generated = generateScenarioReads(demo, { loops: 3, startEpochMs: 1_700_000_000_000 });
      const file = join(directory, 'reads.jsonl');
      expect(await writeReadsJsonl(file, generated.reads)).toBe(generated.reads.length);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(generated.reads.length);
      for (const line of lines) RawReadSchema.parse(JSON.parse(line));
      expect(generated.expected.map((entry) => entry.timeMs)).toEqual([
        1_700_000_003_500, 1_700_000_008_500, 1_700_000_013_500,
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it.each([
    { reference: 'dock-door-demo', endsWith: 'simulators/scenarios/dock-door-demo.yaml' },
    { reference: 'store-day.yaml', endsWith: 'simulators/scenarios/store-day.yaml' },
    { reference: 'simulators/scenarios/thingmagic-door.yaml', endsWith: 'simulators/scenarios/thingmagic-door.yaml' },
  ])('resolves the scenario reference $reference', ({ reference, endsWith }) => {
    expect(resolveScenarioFile(reference).endsWith(endsWith)).toBe(true);
  });
});
