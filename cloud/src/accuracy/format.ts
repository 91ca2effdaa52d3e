import { formatMoney, formatQuantity } from '../ledger/decimal.js';
import type { AccuracyReport, PositionResult, WrongReason } from './compare.js';

/**
 * Published anchors printed beside every result, so a number is never read alone:
 * store IRA with manual counts ≈ 65 %, ≈ 94 % on average across RFID programs
 * (Auburn University RFID Lab audits of eight retailers; see docs/accuracy.md).
 */
export const PUBLISHED_ANCHORS = [
  { label: 'manual counts (no RFID)', iraPercent: 65, source: 'Auburn University RFID Lab' },
  { label: 'typical RFID program', iraPercent: 94, source: 'Auburn University RFID Lab, 8 retailers' },
] as const;

export const REASON_TEXT: Record<WrongReason, string> = {
  unread: 'not in the books (never read or never registered)',
  'theft-not-counted': 'theft not yet counted',
  'damage-not-counted': 'damage not yet counted',
  'unpack-not-booked': 'case opened, still in the books (unpack not recorded)',
  'return-not-booked': 'returned to the store, books have it sold',
  misplacement: 'misplaced on another shelf',
  'taken-not-paid': 'in a shopper’s hands, not yet paid',
  'sale-not-booked': 'paid, sale not booked',
  'short-ship-booked': 'short-shipped, received on the ASN’s word',
  'ship-not-booked': 'shipped out, not seen leaving (dead tag)',
  'booked-elsewhere': 'books place it elsewhere',
  'booked-out-of-stock': 'books have it out of stock (a count missed its tag, or a sale took it)',
  'negative-book':
    'negative book: sold or moved from here without a unit booked here (e.g. a till sale of an EPC a count had booked missing)',
  'booked-here-is-elsewhere': 'books place it here, it is not',
  unexplained: 'unexplained (non-serialised difference)',
};

export function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)} %`;
}

export function describeReasons(reasons: PositionResult['reasons']): string {
  return Object.entries(reasons)
    .map(([reason, count]) => `${count} ${REASON_TEXT[reason as WrongReason]}`)
    .join(', ');
}

function formatDuration(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** The human table: headline numbers, the anchors, then the positions most wrong and why. */
export function formatAccuracyReport(report: AccuracyReport, topCount: number): string {
  const lines = [
    `inventory record accuracy at ${new Date(report.atMs).toISOString()}`,
    `  IRA (product × location exact match)  ${percent(report.matching, report.records)}  (${report.matching}/${report.records} records)`,
    ...PUBLISHED_ANCHORS.map(
      (anchor) => `    published: ${anchor.label.padEnd(26)} ≈ ${anchor.iraPercent} %  (${anchor.source})`,
    ),
    `  absolute unit error                    ${formatQuantity(report.unitError)}`,
    `  value error                            ${formatMoney(report.valueError)}`,
    `  EPC location accuracy                  ${percent(report.epcsPlacedRight, report.epcsCompared)}  (${report.epcsPlacedRight}/${report.epcsCompared} EPCs)`,
    `  shrink detected / actual               ${report.shrinkDetected}/${report.shrinkActual}  mean time to detect ${formatDuration(report.meanTimeToDetectMs)}`,
    `  book positions out of scope            ${report.outOfScope}  (locations the truth does not model)`,
  ];
  const shown = report.wrong.slice(0, topCount);
  if (shown.length > 0) lines.push('', `most wrong positions (${shown.length} of ${report.wrong.length}):`);
  for (const result of shown) {
    lines.push(
      `  ${result.product} @ ${result.location}: book ${formatQuantity(result.bookQty)}, true ${formatQuantity(result.trueQty)} — ${describeReasons(result.reasons)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The same report as JSON (decimal strings, exact). */
export function accuracyReportJson(report: AccuracyReport): unknown {
  return {
    at: new Date(report.atMs).toISOString(),
    records: report.records,
    matching: report.matching,
    ira: report.records === 0 ? null : report.matching / report.records,
    unitError: formatQuantity(report.unitError),
    valueError: formatMoney(report.valueError),
    epcsCompared: report.epcsCompared,
    epcsPlacedRight: report.epcsPlacedRight,
    shrinkActual: report.shrinkActual,
    shrinkDetected: report.shrinkDetected,
    meanTimeToDetectMs: report.meanTimeToDetectMs,
    outOfScope: report.outOfScope,
    anchors: PUBLISHED_ANCHORS,
    wrong: report.wrong.map((result) => ({
      product: result.product,
      location: result.location,
      bookQty: formatQuantity(result.bookQty),
      trueQty: formatQuantity(result.trueQty),
      valueError: formatMoney(result.valueError),
      reasons: result.reasons,
    })),
  };
}
