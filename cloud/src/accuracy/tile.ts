import type { Clock } from '../../../shared/src/clock.js';
import { errorMessage } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { formatQuantity } from '../ledger/decimal.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { bookEpcsAt, bookPositionsNow } from './book.js';
import { measureAccuracy, type AccuracyReport } from './compare.js';
import { PUBLISHED_ANCHORS, REASON_TEXT } from './format.js';
import { readTruthFile } from './truth-file.js';

/**
 * The dashboard's accuracy tile: the latest measured IRA, when a truth file is attached. Two sources:
 * a truth file configured for this cloud (`analytics.dashboard.accuracyTruthFile`: its own ledger measured
 * against it, at most once per `refreshMs`), or a measurement attached by whoever ran one (the demo
 * attaches its replay of a scenario). Nothing attached: the tile stays hidden (`latest()` is null).
 */

export const MOST_WRONG_SHOWN = 3;
export const TILE_REFRESH_MS_DEFAULT = 60_000;

export interface AccuracyTileData {
  /** What was measured: the truth file, or the attached run's own description. */
  source: string;
  /** Wall-clock time of the measurement. */
  measuredAt: string;
  /** The instant the books were compared at. */
  at: string;
  records: number;
  matching: number;
  /** IRA as a percentage with one decimal (display only), null without records. */
  iraPercent: number | null;
  epcsCompared: number;
  epcsPlacedRight: number;
  epcPercent: number | null;
  shrinkActual: number;
  shrinkDetected: number;
  anchors: typeof PUBLISHED_ANCHORS;
  mostWrong: { product: string; location: string; bookQty: string; trueQty: string; why: string }[];
}

const tenths = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((1000 * part) / whole) / 10;

export function accuracyTileData(report: AccuracyReport, source: string, measuredAtMs: number): AccuracyTileData {
  return {
    source,
    measuredAt: new Date(measuredAtMs).toISOString(),
    at: new Date(report.atMs).toISOString(),
    records: report.records,
    matching: report.matching,
    iraPercent: tenths(report.matching, report.records),
    epcsCompared: report.epcsCompared,
    epcsPlacedRight: report.epcsPlacedRight,
    epcPercent: tenths(report.epcsPlacedRight, report.epcsCompared),
    shrinkActual: report.shrinkActual,
    shrinkDetected: report.shrinkDetected,
    anchors: PUBLISHED_ANCHORS,
    mostWrong: report.wrong.slice(0, MOST_WRONG_SHOWN).map((wrong) => ({
      product: wrong.product,
      location: wrong.location,
      bookQty: formatQuantity(wrong.bookQty),
      trueQty: formatQuantity(wrong.trueQty),
      why: Object.entries(wrong.reasons)
        .map(([reason, count]) => `${count} ${REASON_TEXT[reason as keyof typeof REASON_TEXT]}`)
        .join(', '),
    })),
  };
}

export interface AccuracyTileDeps {
  clock: Clock;
  logger: Logger;
  /** This cloud's ledger and a truth file to measure it against (both or neither). */
  store?: LedgerStore | undefined;
  truthFile?: string | undefined;
  refreshMs?: number | undefined;
}

export class AccuracyTile {
  private attached: AccuracyTileData | null = null;
  private measured: AccuracyTileData | null = null;
  private measuring: Promise<void> | null = null;

  constructor(private readonly deps: AccuracyTileDeps) {}

  /** A measurement someone ran (a replay, a CLI run): shown until a newer one replaces it. */
  attach(report: AccuracyReport, source: string): void {
    this.attached = accuracyTileData(report, source, this.deps.clock.nowMs());
  }

  async latest(): Promise<AccuracyTileData | null> {
    if (this.deps.truthFile === undefined || this.deps.store === undefined) return this.attached;
    const refreshMs = this.deps.refreshMs ?? TILE_REFRESH_MS_DEFAULT;
    const stale = this.measured === null || this.deps.clock.nowMs() - Date.parse(this.measured.measuredAt) >= refreshMs;
    // One measurement at a time: concurrent page loads share it.
    if (stale) await (this.measuring ??= this.measure().finally(() => (this.measuring = null)));
    return this.measured ?? this.attached;
  }

  private async measure(): Promise<void> {
    const file = this.deps.truthFile as string;
    const store = this.deps.store as LedgerStore;
    try {
      const truth = readTruthFile(file);
      const atMs = truth.records.reduce(
        (latest, record) => Math.max(latest, Date.parse(record.time)),
        Date.parse(truth.header.startTime),
      );
      const report = measureAccuracy({
        truth: truth.records,
        positions: await bookPositionsNow(store),
        epcs: await bookEpcsAt(store, truth.records, atMs),
        atMs,
      });
      const source = `truth file of ${truth.header.scenario} (seed ${truth.header.seed})`;
      this.measured = accuracyTileData(report, source, this.deps.clock.nowMs());
    } catch (error) {
      // A bad or missing truth file must not break the dashboard: the tile keeps its last measurement.
      this.deps.logger.warn({ err: errorMessage(error), file }, 'accuracy tile: could not measure the truth file');
    }
  }
}
