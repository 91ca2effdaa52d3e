import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { formatIssues } from '../../shared/src/zod-issues.js';
import { errorMessage } from '../../shared/src/errors.js';
import { emptyCatalog } from './ledger/catalog.js';
import { loadCatalogFile } from './catalog-file.js';
import { formatCheckReport } from './ledger/invariants.js';
import { TransactionSchema, type Transaction } from './ledger/transactions.js';
import { BATCH_TRANSACTIONS_MAX, type ApplyResult } from './store/ledger-store.js';
import { openLedgerStore, parseStoreUrl } from './store/open.js';

/** Longest accepted input line: a count of a full shelf is long, a runaway file is not. */
export const REPLAY_LINE_CHARS_MAX = 8 * 1024 * 1024;
/** Time of lines without "time" before any line gave one (a fixed time keeps the output reproducible). */
const REPLAY_START_TIME = '2000-01-01T00:00:00.000Z';

const USAGE = `usage:
  ledger replay <transactions.jsonl> [--catalog <catalog.yaml>]
      applies the file to a fresh in-memory ledger and prints one JSON document
  check --store sqlite:<path>|postgres://<url> [--catalog <catalog.yaml>] [--json]
      verifies the ledger invariants; exit 1 with a readable report when one fails`;

interface ReplayTransaction {
  id: string;
  status: ApplyResult['status'];
  qtyDelta: string;
  valueDelta: string;
  reason?: string;
  code?: string;
  flags?: string[];
}

/**
 * `ledger replay` and `check`. Returns the exit code: 0 ok, 1 check failed,
 * 2 usage or unreadable input. Output goes to `output` (JSON for replay).
 */
export async function runLedgerCli(args: string[], output: NodeJS.WritableStream): Promise<number> {
  const [command, ...rest] = args;
  // `--help` anywhere (`check --help`, `ledger replay -h`) is an answer, not a usage error.
  if (args.includes('--help') || args.includes('-h') || command === 'help') {
    output.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (command === 'replay') return await replay(rest, output);
    if (command === 'check') return await check(rest, output);
  } catch (error) {
    output.write(`error: ${errorMessage(error)}\n`);
    return 2;
  }
  output.write(`${USAGE}\n`);
  return 2;
}

async function replay(args: string[], output: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { catalog: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    output.write(`${USAGE}\n`);
    return 2;
  }
  const catalog = values.catalog ? loadCatalogFile(values.catalog) : emptyCatalog();
  // A fixed arrival clock keeps the output reproducible for lines without "time".
  const store = await openLedgerStore({ kind: 'memory' }, catalog, { nowMs: () => Date.parse(REPLAY_START_TIME) });
  const reported: ReplayTransaction[] = [];
  try {
    let pending: { transaction: Transaction; report: boolean }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const results = await store.applyBatch(pending.map((item) => item.transaction));
      results.forEach((result, index) => {
        const showDeclaration = pending[index]?.report ?? true;
        if (showDeclaration || result.status !== 'applied') reported.push(summarise(result));
      });
      pending = [];
    };
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNumber = 0;
    // The file is in arrival order: a line without "time" happens at the latest time seen so far,
    // so it is never mistaken for a late event (see the late-event policy in docs/ledger.md).
    let latestTime = REPLAY_START_TIME;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const parsed = parseLine(line, lineNumber);
      if ('rejected' in parsed) {
        await flush(); // keep the report in file order
        reported.push(parsed.rejected);
        continue;
      }
      const time = 'time' in parsed.transaction ? parsed.transaction.time : undefined;
      if (time === undefined) parsed.transaction = { ...parsed.transaction, time: latestTime } as Transaction;
      else if (Date.parse(time) > Date.parse(latestTime)) latestTime = time;
      pending.push(parsed);
      if (pending.length >= BATCH_TRANSACTIONS_MAX) await flush();
    }
    await flush();
    const positions = (await store.stock()).map((row) => ({
      product: row.product,
      location: row.location,
      qty: row.qty,
      value: row.value,
      unitCost: row.unitCost,
      layers: row.layers.map((layer) => ({ qty: layer.qty, unitCost: layer.unitCost })),
    }));
    const balance = await store.trialBalance();
    const accounts = Object.fromEntries(balance.accounts.map((row) => [row.account, row.balance]));
    const report = await store.check();
    output.write(
      `${JSON.stringify({ positions, transactions: reported, accounts, check: { ok: report.ok } }, null, 2)}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

function parseLine(
  line: string,
  lineNumber: number,
): { transaction: Transaction; report: boolean } | { rejected: ReplayTransaction } {
  const fallbackId = `line ${lineNumber}`;
  const rejected = (id: string, reason: string): { rejected: ReplayTransaction } => ({
    rejected: { id, status: 'rejected', qtyDelta: '0', valueDelta: '0', code: 'SW_LEDGER_INVALID_TRANSACTION', reason },
  });
  if (line.length > REPLAY_LINE_CHARS_MAX)
    return rejected(fallbackId, `line ${lineNumber} is longer than ${REPLAY_LINE_CHARS_MAX} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return rejected(fallbackId, `line ${lineNumber} is not JSON: ${errorMessage(error)}`);
  }
  const id =
    raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id
      : fallbackId;
  const parsed = TransactionSchema.safeParse(raw);
  if (!parsed.success) return rejected(id, `line ${lineNumber} is invalid:\n${formatIssues(parsed.error.issues)}`);
  // Product declarations without an id are set-up, not transactions: reported only when rejected.
  return { transaction: parsed.data, report: !(parsed.data.type === 'product' && parsed.data.id === undefined) };
}

function summarise(result: ApplyResult): ReplayTransaction {
  return {
    id: result.id,
    status: result.status,
    qtyDelta: result.qtyDelta,
    valueDelta: result.valueDelta,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    ...(result.code === undefined ? {} : { code: result.code }),
    ...(result.flags === undefined ? {} : { flags: result.flags }),
  };
}

async function check(args: string[], output: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { store: { type: 'string' }, catalog: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (!values.store) {
    output.write(`missing --store\n${USAGE}\n`);
    return 2;
  }
  const catalog = values.catalog ? loadCatalogFile(values.catalog) : emptyCatalog();
  const store = await openLedgerStore(parseStoreUrl(values.store), catalog);
  try {
    const report = await store.check();
    output.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheckReport(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

export { formatIssues };
