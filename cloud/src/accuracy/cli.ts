import { parseArgs } from 'node:util';
import { parseIsoTime } from '../../../shared/src/contracts/iso-time.js';
import { errorMessage, makeError, StockwireError } from '../../../shared/src/errors.js';
import { loadCatalogFile } from '../catalog-file.js';
import { emptyCatalog } from '../ledger/catalog.js';
import { openLedgerStore, parseStoreUrl } from '../store/open.js';
import { bookEpcsAt, bookPositionsAt, bookPositionsNow } from './book.js';
import { measureAccuracy } from './compare.js';
import { AccuracyErrors } from './errors.js';
import { accuracyReportJson, formatAccuracyReport } from './format.js';
import { readTruthFile, type TruthFile } from './truth-file.js';

export const ACCURACY_HELP = `stockwire-cloud accuracy — inventory record accuracy: the books against the physical truth

Usage: stockwire-cloud accuracy --store sqlite:<path>|postgres://<url> --truth <truth.jsonl> [options]

Compares the ledger with a truth file (written by stockwire-sim --truth-out) and prints
IRA by product × location (exact-match share), absolute unit and value error, EPC
location accuracy, shrink detected vs actual with the mean time to detect, and the
positions most wrong with why. Published anchors (≈ 65 % manual, ≈ 94 % RFID programs,
Auburn University RFID Lab) are printed beside the result. See docs/accuracy.md.

Options:
  --store <url>        the ledger (sqlite:<path> or postgres://…)
  --truth <file>       the truth JSONL (header line, then one record per line)
  --at <time>          measure as of this ISO 8601 time (default: the last truth record)
  --catalog <file>     catalog.yaml the ledger was opened with (default: none)
  --top <n>            how many of the most wrong positions to list (default 10)
  --json               print JSON instead of the table
  -h, --help           this text

Exit codes: 0 measured, 1 unreadable truth or store, 2 bad usage.`;

/** The instant measured: --at, else the last physical event of the truth. */
function measuredAtMs(at: string | undefined, truth: TruthFile): number {
  if (at !== undefined) {
    const parsed = parseIsoTime(at, { secondsRequired: false });
    if (!parsed.ok) throw makeError(AccuracyErrors.USAGE, { reason: `--at "${at}": ${parsed.reason}` });
    return parsed.timeMs;
  }
  return truth.records.reduce(
    (latest, record) => Math.max(latest, Date.parse(record.time)),
    Date.parse(truth.header.startTime),
  );
}

function topCount(text: string | undefined): number {
  if (text === undefined) return 10;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 10_000)
    throw makeError(AccuracyErrors.USAGE, { reason: `--top must be an integer 0–10000, got "${text}"` });
  return value;
}

export async function runAccuracyCli(args: readonly string[], output: NodeJS.WritableStream): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        store: { type: 'string' },
        truth: { type: 'string' },
        at: { type: 'string' },
        catalog: { type: 'string' },
        top: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    output.write(`stockwire-cloud accuracy: ${errorMessage(error)}\n\n${ACCURACY_HELP}\n`);
    return 2;
  }
  if (values.help) {
    output.write(`${ACCURACY_HELP}\n`);
    return 0;
  }
  if (!values.store || !values.truth) {
    output.write(`stockwire-cloud accuracy: --store and --truth are required\n\n${ACCURACY_HELP}\n`);
    return 2;
  }
  try {
    const truth = readTruthFile(values.truth);
    const atMs = measuredAtMs(values.at, truth);
    const top = topCount(values.top);
    const catalog = values.catalog ? loadCatalogFile(values.catalog) : emptyCatalog();
    const store = await openLedgerStore(parseStoreUrl(values.store), catalog);
    try {
      const positions = values.at === undefined ? await bookPositionsNow(store) : await bookPositionsAt(store, atMs);
      const epcs = await bookEpcsAt(store, truth.records, atMs);
      const report = measureAccuracy({ truth: truth.records, positions, epcs, atMs });
      output.write(`truth: scenario ${truth.header.scenario}, seed ${truth.header.seed}\n`);
      output.write(
        values.json ? `${JSON.stringify(accuracyReportJson(report), null, 2)}\n` : formatAccuracyReport(report, top),
      );
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    const usage = error instanceof StockwireError && error.code === AccuracyErrors.USAGE.code;
    output.write(`stockwire-cloud accuracy: ${errorMessage(error)}\n`);
    return usage ? 2 : 1;
  }
}
