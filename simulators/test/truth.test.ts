import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TruthHeaderSchema, TruthRecordSchema } from '../../shared/src/contracts/truth.js';
import { runSimCli } from '../src/bin.js';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { ScenarioSchema, type Scenario, type ScenarioInput } from '../src/scenario/schema.js';
import { runToTruth } from '../src/scenario/truth.js';

const directory = mkdtempSync(join(tmpdir(), 'stockwire-truth-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function writeTruth(name: string, seed: number, loops = 1): Promise<string> {
  const file = join(directory, name);
  let printed = '';
  const code = await runSimCli(
    [
      'simulators/scenarios/store-day.yaml',
      '--truth-out',
      file,
      '--seed',
      String(seed),
      '--loops',
      String(loops),
      '--start-time',
      '2026-03-02T08:00:00Z',
    ],
    { write: (text: string) => (printed += text) },
  );
  expect(code).toBe(0);
  expect(printed).toMatch(/wrote \d+ truth records/);
  return readFileSync(file, 'utf8');
}

describe('ground truth (--truth-out)', () => {
  it('is byte-identical for the same seed and well-formed line by line', async () => {
    const first = await writeTruth('a.jsonl', 11, 2);
    const second = await writeTruth('b.jsonl', 11, 2);
    expect(second).toBe(first);
    const [header, ...records] = first.trimEnd().split('\n');
    expect(TruthHeaderSchema.parse(JSON.parse(header ?? ''))).toMatchObject({ scenario: 'store-day', seed: 11 });
    for (const line of records) TruthRecordSchema.parse(JSON.parse(line));
  });

  it('records where every case and item physically is, read or not', () => {
    const scenario = loadScenarioFile('simulators/scenarios/store-day.yaml');
    const run = generateScenarioRun(scenario, { seed: 7 });
    const truth = runToTruth(scenario, run, Date.parse('2026-03-02T08:00:00Z'));
    const count = (event: string) => truth.filter((record) => record.event === event).length;
    // store-day: 30 items shelved, 12 taken, a pallet of 12 cases in and back out.
    expect({ shelve: count('shelve'), take: count('take'), arrive: count('arrive'), ship: count('ship') }).toEqual({
      shelve: 30,
      take: 12,
      arrive: 12,
      ship: 12,
    });
    expect(truth.find((record) => record.event === 'arrive')).toMatchObject({
      location: 'urn:stockwire:loc:store-1:backroom',
      time: '2026-03-02T08:00:08.000Z',
    });
    expect(truth.find((record) => record.event === 'shelve')?.location).toBe('urn:stockwire:loc:store-1:shelf-b2');
    const times = truth.map((record) => Date.parse(record.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('differs between seeds (the shoppers take other items)', async () => {
    expect(await writeTruth('c.jsonl', 1)).not.toBe(await writeTruth('d.jsonl', 2));
  });
});

describe('physical rates (scenario.rates)', () => {
  const base = loadScenarioFile('simulators/scenarios/store-day.yaml');
  const withRates = (rates: Record<string, number>) =>
    loadScenarioFileWith(base, {
      rates,
      shelves: [...base.shelves, { id: 'shelf-c1', site: 'store-1', reader: 'shelf-b2-reader', antennas: [3] }],
    });

  it('leave the reads of a scenario without rates unchanged (each rate draws from its own stream)', () => {
    const zero = withRates({ theftShareOfTakes: 0, misplaceShareOfTakes: 0 });
    const plain = loadScenarioFileWith(base, { shelves: zero.shelves });
    expect(generateScenarioRun(zero).reads).toEqual(generateScenarioRun(plain).reads);
  });

  it.each([
    ['theftShareOfTakes', { theftShareOfTakes: 1 }, 'steal', 12],
    ['misplaceShareOfTakes', { misplaceShareOfTakes: 1 }, 'misplace', 12],
    ['checkoutSeconds', { checkoutSeconds: 60 }, 'pay', 12],
    ['shortShipCaseProbability', { shortShipCaseProbability: 1 }, 'short-ship', 12],
  ])('%s records its physical events', (_name, rates, event, count) => {
    const scenario = withRates(rates);
    const run = generateScenarioRun(scenario);
    const truth = runToTruth(scenario, run, 0);
    expect(truth.filter((record) => record.event === event)).toHaveLength(count);
  });

  it('misplaced items lie on the other shelf and its reader sees them; dead tags are never read', () => {
    const scenario = withRates({ misplaceShareOfTakes: 1, tagUnreadableProbability: 0.5 });
    const run = generateScenarioRun(scenario);
    const truth = runToTruth(scenario, run, 0);
    expect(
      truth.filter((record) => record.event === 'misplace').every((record) => record.location?.endsWith('shelf-c1')),
    ).toBe(true);
    expect(run.reads.some((read) => read.antenna === 3)).toBe(true);
    const readEpcs = new Set(run.reads.map((read) => read.epc));
    const items = run.tags.filter((tag) => tag.role !== 'pallet');
    const unread = items.filter((tag) => !readEpcs.has(tag.epc)).length;
    // About half of 42 tags are dead (seeded: exact per seed).
    expect(unread).toBeGreaterThan(10);
    expect(unread).toBeLessThan(32);
  });
});

function loadScenarioFileWith(base: Scenario, patch: Partial<ScenarioInput>): Scenario {
  return ScenarioSchema.parse({ ...base, ...patch });
}
