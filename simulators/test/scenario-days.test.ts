import { describe, expect, it } from 'vitest';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile, resolveScenarioFile } from '../src/scenario/load.js';
import { ScenarioSchema } from '../src/scenario/schema.js';
import { runToTruth } from '../src/scenario/truth.js';
import { generateScenarioReads } from '../src/reads-jsonl.js';

/** `days`: one day's timeline played once per day, fresh serials each day, shelves keeping their stock. */
describe('multi-day scenarios', () => {
  const base = loadScenarioFile(resolveScenarioFile('store-day'));
  const twoDays = ScenarioSchema.parse({ ...base, days: 2 });

  it('plays the timeline once per day with fresh serials, shelves keep what is left', () => {
    const run = generateScenarioRun(twoDays, { seed: 7 });
    const dayMs = base.durationSeconds * 1000;
    expect(run.durationMs).toBe(2 * dayMs);
    const truth = runToTruth(twoDays, run, 0);
    const shelved = truth.filter((record) => record.event === 'shelve');
    expect(shelved).toHaveLength(60); // 30 items stocked each day
    expect(new Set(shelved.map((record) => record.epc)).size).toBe(60);
    expect(shelved.filter((record) => Date.parse(record.time) >= dayMs)).toHaveLength(30);
    // Day 1's 18 untaken items are still read on the shelf during day 2.
    const dayOneItems = new Set(
      shelved.filter((record) => Date.parse(record.time) < dayMs).map((record) => record.epc),
    );
    const tagByUri = new Map(run.tags.map((tag) => [tag.uri, tag.epc]));
    const dayOneHex = new Set([...dayOneItems].map((uri) => tagByUri.get(uri)));
    expect(run.reads.some((read) => read.offsetMs > dayMs + 60_000 && dayOneHex.has(read.epc))).toBe(true);
    // Each day's pallet is its own physical pallet (its own SSCC).
    expect(new Set(run.tags.filter((tag) => tag.role === 'pallet').map((tag) => tag.uri)).size).toBe(2);
  });

  it('is the same run as before when days is 1 (the default)', () => {
    expect(base.days).toBe(1);
    expect(generateScenarioRun(base, { seed: 7 }).tags.map((tag) => tag.populationId)).not.toContainEqual(
      expect.stringContaining('@'),
    );
  });

  it('lists one ASN-worthy delivery per inbound pallet per day', () => {
    const generated = generateScenarioReads(twoDays, { startEpochMs: 0, seed: 7 });
    expect(generated.deliveries).toHaveLength(2);
    expect(generated.deliveries.map((delivery) => delivery.cases.length)).toEqual([12, 12]);
  });

  it('bundles store-week: seven days with tills, sweeps and ASNs', () => {
    const week = loadScenarioFile(resolveScenarioFile('store-week'));
    expect(week.days * week.durationSeconds).toBe(7 * 86_400);
    expect(week.operations).toMatchObject({ tills: true, asns: true });
  });
});
