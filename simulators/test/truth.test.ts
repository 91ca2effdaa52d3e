import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TruthHeaderSchema, TruthRecordSchema } from '../../shared/src/contracts/truth.js';
import { runSimCli } from '../src/bin.js';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile } from '../src/scenario/load.js';
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
