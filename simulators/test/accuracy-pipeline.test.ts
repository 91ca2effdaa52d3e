import { describe, expect, it } from 'vitest';
import { ABLATIONS, runAblation } from '../src/accuracy/ablation.js';
import { runAccuracyPipeline } from '../src/accuracy/pipeline.js';
import { loadScenarioFile, resolveScenarioFile } from '../src/scenario/load.js';

/** store-day through the real debounce engine and ledger, measured against its truth. */
describe('accuracy pipeline (replay-style, real gateway engine and ledger)', () => {
  const scenario = loadScenarioFile(resolveScenarioFile('store-day'));
  const startEpochMs = Date.parse('2026-03-02T08:00:00Z');

  it('is deterministic per seed and explains every wrong position', async () => {
    const first = await runAccuracyPipeline(scenario, { startEpochMs, seed: 7 });
    const second = await runAccuracyPipeline(scenario, { startEpochMs, seed: 7 });
    expect(second.report).toEqual(first.report);
    expect(first.refused).toEqual([]);
    expect(first.report.epcsCompared).toBe(42); // 30 shelf items + 12 cases
    expect(first.report.records).toBeGreaterThan(0);
    for (const wrong of first.report.wrong) expect(Object.keys(wrong.reasons).length).toBeGreaterThan(0);
  });

  it('sends shelf counts as digests the books confirm: same books as full sets, fewer bytes', async () => {
    const digests = await runAccuracyPipeline(scenario, { startEpochMs, seed: 7 });
    const full = await runAccuracyPipeline(scenario, { startEpochMs, seed: 7, countDigests: false });
    expect(digests.report).toEqual(full.report);
    expect(full.countWire).toMatchObject({ digests: 0, digestsAgreed: 0 });
    expect(digests.countWire.counts).toBe(full.countWire.counts);
    expect(digests.countWire.digests).toBeGreaterThan(0);
    expect(digests.countWire.digestsAgreed).toBe(digests.countWire.digests);
    expect(digests.countWire.bytes).toBeLessThan(full.countWire.bytes);
  });
});

describe('ablation', () => {
  it('prints one row per mechanism, with what switching it off costs in IRA points', async () => {
    const scenario = loadScenarioFile(resolveScenarioFile('store-accuracy'));
    const table = await runAblation(scenario, { startEpochMs: Date.parse('2026-03-02T08:00:00Z') });
    expect(table).toContain('all mechanisms on');
    for (const ablation of ABLATIONS) expect(table).toContain(ablation.name);
    expect(table).toMatch(/shelf counts off .* mechanism worth -?\d+\.\d points/);
    expect(table).toMatch(/count digests off .* mechanism worth -?\d+\.\d points; shelf count payloads .* [KM]B/);
    // store-accuracy has ASNs: the receiving policy row is measured, not skipped.
    expect(table).toMatch(/ASN trust for unread cases off .* mechanism worth -?\d+\.\d points/);
  });

  it('receives an unread ASN case on the ASN’s word only under trustAsn', async () => {
    const scenario = loadScenarioFile(resolveScenarioFile('store-accuracy'));
    const startEpochMs = Date.parse('2026-03-02T08:00:00Z');
    const trusted = await runAccuracyPipeline(scenario, { startEpochMs });
    const counted = await runAccuracyPipeline(scenario, { startEpochMs, trustAsn: false });
    const reasons = (result: typeof trusted) => result.report.wrong.flatMap((wrong) => Object.keys(wrong.reasons));
    // Seed 2 has a dead case tag: trusting the ASN receives it, but nothing sees it leave with the pallet.
    expect(reasons(trusted)).toContain('ship-not-booked');
    expect(reasons(counted)).not.toContain('ship-not-booked');
    expect(trusted.refused).toEqual([]);
  });
});
