import type { DebounceConfig } from '../../../gateway/src/debounce/config.js';
import { percent } from '../../../cloud/src/accuracy/format.js';
import type { Scenario } from '../scenario/schema.js';
import { runAccuracyPipeline, type PipelineOptions, type PipelineResult } from './pipeline.js';

/**
 * The ablation: the same run with one gateway mechanism switched off at a time, so
 * each row shows what that mechanism is worth in IRA points. A mechanism the
 * scenario does not have is named as not measured rather than left out silently.
 */
export interface Ablation {
  name: string;
  tune?: (config: DebounceConfig) => DebounceConfig;
  /** Cloud-side switches of the run (receiving policy). */
  options?: Partial<PipelineOptions>;
  /** Store-side switches that change the physical world (re-tagging): the scenario the row runs. */
  scenario?: (scenario: Scenario) => Scenario;
  /** What else the row is worth beside IRA (e.g. bytes on the wire), against the baseline run. */
  detail?: (row: PipelineResult, baseline: PipelineResult) => string;
  /** The mechanism only exists when the scenario has this (e.g. ASNs); otherwise the row is not measured. */
  needs?: (scenario: Scenario) => string | null;
}

export const ABLATIONS: readonly Ablation[] = [
  {
    name: 'cross-read suppression off (no neighbours, crossReadWindowMs 0)',
    tune: (config) => ({
      ...config,
      portals: config.portals.map((portal) => ({ ...portal, neighbours: [], crossReadWindowMs: 0 })),
    }),
  },
  {
    name: 'direction evidence minimum off (sideReadCountMin 1, directionTimeMarginMs 0)',
    tune: (config) => ({
      ...config,
      portals: config.portals.map((portal) => ({ ...portal, sideReadCountMin: 1, directionTimeMarginMs: 0 })),
    }),
  },
  {
    name: 'shelf counts off (countIntervalMs 24 h)',
    tune: (config) => ({
      ...config,
      shelves: config.shelves.map((shelf) => ({ ...shelf, countIntervalMs: 86_400_000 })),
    }),
  },
  {
    name: 'POS sales off (tills false: paid items stay on the sales floor)',
    options: { operations: { tills: false } },
    needs: (scenario) => (scenario.operations.tills ? null : 'the scenario has no tills'),
  },
  {
    name: 'handheld sales-floor sweeps off (floorCountSeconds 0)',
    options: { operations: { floorCountSeconds: 0 } },
    needs: (scenario) => (scenario.operations.floorCountSeconds > 0 ? null : 'the scenario has no sales-floor sweeps'),
  },
  {
    name: 'handheld backroom sweeps off (backroomCountSeconds 0)',
    options: { operations: { backroomCountSeconds: 0 } },
    needs: (scenario) => (scenario.operations.backroomCountSeconds > 0 ? null : 'the scenario has no backroom sweeps'),
  },
  {
    name: 'ASN trust for unread cases off (receiving policy countReads)',
    options: { trustAsn: false },
    needs: (scenario) => (scenario.operations.asns ? null : 'the scenario has no ASNs (operations.asns)'),
  },
  {
    name: 're-tagging at receiving off (retagAtReceivingShare 0)',
    scenario: (scenario) => ({ ...scenario, rates: { ...scenario.rates, retagAtReceivingShare: 0 } }),
    needs: (scenario) =>
      scenario.operations.asns && scenario.rates.retagAtReceivingShare > 0
        ? null
        : 'the scenario does not re-tag (rates.retagAtReceivingShare, operations.asns)',
  },
  {
    name: 'handheld write-offs of damaged items off (writeOffs false)',
    options: { operations: { writeOffs: false } },
    // Worth little at the week's end (the sales-floor sweep finds the item gone), so the row shows when it is found.
    detail: (row, baseline) =>
      `; mean time to detect shrink ${detectMinutes(row)} vs ${detectMinutes(baseline)} with write-offs`,
    needs: (scenario) =>
      scenario.operations.writeOffs ? null : 'the scenario writes nothing off (operations.writeOffs)',
  },
  {
    name: 'case-opening scans off (unpackScans false)',
    options: { operations: { unpackScans: false } },
    needs: (scenario) => (scenario.operations.unpackScans ? null : 'the scenario scans no case openings'),
  },
  {
    name: 'count digests off (full EPC sets every count)',
    options: { countDigests: false },
    detail: (row, baseline) => `; shelf count payloads ${countBytes(row)} vs ${countBytes(baseline)} with digests`,
    needs: (scenario) => (scenario.shelves.length > 0 ? null : 'the scenario has no shelves'),
  },
];

function countBytes(result: PipelineResult): string {
  const { counts, bytes } = result.countWire;
  const total = bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
  return `${total} (${counts} counts, ${counts === 0 ? 0 : Math.round(bytes / counts)} B each)`;
}

function detectMinutes(result: PipelineResult): string {
  const meanMs = result.report.meanTimeToDetectMs;
  return meanMs === null ? 'n/a' : `${(meanMs / 60_000).toFixed(1)} min`;
}

function points(part: number, whole: number): number {
  return whole === 0 ? 0 : (100 * part) / whole;
}

function row(name: string, report: PipelineResult['report']): string {
  return `  ${name.padEnd(78)} IRA ${percent(report.matching, report.records).padStart(7)}  EPC ${percent(report.epcsPlacedRight, report.epcsCompared).padStart(7)}`;
}

/**
 * Runs each ablation against the baseline (run here unless the caller already has it, same options);
 * returns the printed table.
 */
export async function runAblation(
  scenario: Scenario,
  options: PipelineOptions,
  measured?: PipelineResult,
): Promise<string> {
  const baseline = measured ?? (await runAccuracyPipeline(scenario, options));
  const baselineIra = points(baseline.report.matching, baseline.report.records);
  const lines = ['ablation (same seed, one mechanism off at a time):', row('all mechanisms on', baseline.report)];
  for (const ablation of ABLATIONS) {
    const missing = ablation.needs?.(scenario) ?? null;
    if (missing !== null) {
      lines.push(`  ${ablation.name.padEnd(78)} not measured: ${missing}`);
      continue;
    }
    const result = await runAccuracyPipeline(ablation.scenario ? ablation.scenario(scenario) : scenario, {
      ...options,
      ...ablation.options,
      ...(ablation.tune ? { tune: ablation.tune } : {}),
    });
    const worth = baselineIra - points(result.report.matching, result.report.records);
    const detail = ablation.detail?.(result, baseline) ?? '';
    lines.push(`${row(ablation.name, result.report)}  mechanism worth ${worth.toFixed(1)} points${detail}`);
  }
  return `${lines.join('\n')}\n`;
}
