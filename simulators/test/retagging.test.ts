import { describe, expect, it } from 'vitest';
import { generateScenarioRun } from '../src/scenario/engine.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { RETAG_DELAY_MS } from '../src/scenario/retagging.js';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.js';

/** store-day's pallet, shipped out again after the associate's re-tagging (so a door sees the new labels). */
const base = loadScenarioFile('simulators/scenarios/store-day.yaml');
const OUTBOUND_SECONDS = 5 + RETAG_DELAY_MS / 1000 + 60;
const scenarioWith = (patch: Partial<ScenarioInput>) =>
  ScenarioSchema.parse({
    ...base,
    durationSeconds: OUTBOUND_SECONDS + 60,
    timeline: [
      {
        kind: 'pallet-pass',
        atSeconds: 5,
        door: 'door-3',
        population: 'pallet-a',
        direction: 'inbound',
        passSeconds: 3,
      },
      {
        kind: 'pallet-pass',
        atSeconds: OUTBOUND_SECONDS,
        door: 'door-3',
        population: 'pallet-a',
        direction: 'outbound',
        passSeconds: 3,
      },
    ],
    ...patch,
  });

describe('re-tagging at receiving (rates.retagAtReceivingShare)', () => {
  it('a dead case on an ASN pallet is re-tagged after breakdown: unread at the door, read from then on', () => {
    const scenario = scenarioWith({
      rates: { tagUnreadableProbability: 0.5, retagAtReceivingShare: 1 },
      operations: { asns: true },
    });
    const run = generateScenarioRun(scenario);
    expect(run.retagged.length).toBeGreaterThan(0);
    // Every dead case of the pallet was found (share 1); dead items of the unused shelf stock stay dead.
    const cases = new Set(run.tags.filter((tag) => tag.role === 'case').map((tag) => tag.uri));
    expect(run.unreadable.filter((uri) => cases.has(uri))).toEqual([]);
    const passEndMs = 8_000;
    for (const { uri, atMs } of run.retagged) {
      expect(atMs).toBe(passEndMs + RETAG_DELAY_MS);
      const tag = run.tags.find((candidate) => candidate.uri === uri);
      const reads = run.reads.filter((read) => read.epc === tag?.epc);
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.every((read) => read.offsetMs >= atMs)).toBe(true);
    }
  });

  it('needs the ASN (nobody knows what the door missed without it) and leaves scenarios without it unchanged', () => {
    const rates = { tagUnreadableProbability: 0.5, retagAtReceivingShare: 1 };
    const withoutAsns = generateScenarioRun(scenarioWith({ rates }));
    expect(withoutAsns.retagged).toEqual([]);
    expect(withoutAsns.unreadable.length).toBeGreaterThan(0);
    const off = generateScenarioRun(
      scenarioWith({ rates: { ...rates, retagAtReceivingShare: 0 }, operations: { asns: true } }),
    );
    const plain = generateScenarioRun(scenarioWith({ rates: { tagUnreadableProbability: 0.5 } }));
    expect(off.reads).toEqual(plain.reads);
    expect(off.unreadable).toEqual(withoutAsns.unreadable);
  });
});
