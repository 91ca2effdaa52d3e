import { Readable } from 'node:stream';
import { periodBounds } from '../ledger/periods.js';
import { PAGE_LIMIT_MAX, type JournalRow, type LedgerStore } from '../store/ledger-store.js';

/**
 * The journal as text an auditor's tools read: CSV (one row per line) or an
 * hledger / ledger-cli journal (one transaction per ledger transaction, dated by
 * its posting date in UTC, debits positive, credits negative, no commodity), so
 * `hledger bal` recomputes every balance of `/trial-balance`. Streamed page by page.
 */
export type JournalFormat = 'csv' | 'hledger';

export const JOURNAL_CONTENT_TYPES: Record<JournalFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  hledger: 'text/plain; charset=utf-8',
};

const CSV_HEADER = 'seq,transactionId,time,account,debit,credit\n';

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLines(rows: readonly JournalRow[]): string {
  return rows
    .map((row) =>
      [String(row.seq), row.transactionId, row.time, row.account, row.debit, row.credit].map(csvField).join(','),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** hledger separates account and amount by two spaces: account names keep single spaces only. */
const accountName = (account: string) => account.replace(/\s+/g, ' ').replace(/;/g, ',').trim();
/** The description ends at a `;` (comment) or `|` (payee separator): keep ids readable without them. */
const description = (id: string) => id.replace(/[;|\r\n]/g, '_');

/** One hledger transaction per run of lines of the same ledger transaction (they are written together). */
export function hledgerTransactions(rows: readonly JournalRow[]): string {
  let text = '';
  let current: string | undefined;
  for (const row of rows) {
    if (row.transactionId !== current) {
      current = row.transactionId;
      text += `${text === '' ? '' : '\n'}${row.time.slice(0, 10)} ${description(row.transactionId)}\n    ; posted: ${row.time}\n`;
    }
    const amount = row.debit !== '0' ? row.debit : `-${row.credit}`;
    text += `    ${accountName(row.account)}  ${amount}\n`;
  }
  return text;
}

/** Every journal line (optionally of one period), oldest first, PAGE_LIMIT_MAX per store read. */
async function* journalPages(store: LedgerStore, period: string | undefined): AsyncGenerator<JournalRow[]> {
  const bounds = period === undefined ? undefined : periodBounds(period);
  let after: number | undefined = 0;
  while (after !== undefined) {
    const page = await store.journal({ after, limit: PAGE_LIMIT_MAX });
    const rows = bounds
      ? page.items.filter((row) => {
          const timeMs = Date.parse(row.time);
          return timeMs >= bounds.startMs && timeMs <= bounds.endMs;
        })
      : page.items;
    if (rows.length > 0) yield rows;
    after = page.nextAfter ?? undefined;
  }
}

export function journalExport(store: LedgerStore, format: JournalFormat, period?: string): Readable {
  async function* csv(): AsyncGenerator<string> {
    yield CSV_HEADER;
    for await (const rows of journalPages(store, period)) yield csvLines(rows);
  }
  return Readable.from(format === 'csv' ? csv() : carryTransactions(store, period));
}

/** hledger needs each transaction whole: lines are regrouped across page boundaries. */
async function* carryTransactions(store: LedgerStore, period: string | undefined): AsyncGenerator<string> {
  let carried: JournalRow[] = [];
  let first = true;
  for await (const rows of journalPages(store, period)) {
    const all = [...carried, ...rows];
    const lastId = all[all.length - 1]?.transactionId;
    let cut = all.length;
    while (cut > 0 && all[cut - 1]?.transactionId === lastId) cut--;
    carried = all.slice(cut);
    if (cut > 0) {
      yield `${first ? '' : '\n'}${hledgerTransactions(all.slice(0, cut))}`;
      first = false;
    }
  }
  if (carried.length > 0) yield `${first ? '' : '\n'}${hledgerTransactions(carried)}`;
}
