import { ACCOUNTS } from '../ledger/catalog.js';
import { formatMoney, MONEY_SCALE, parseTrusted } from '../ledger/decimal.js';
import type { JournalRow, LedgerStore } from '../store/ledger-store.js';

/** Journal lines read per finance request (the rest on the next one): a limit on one request's work. */
export const FINANCE_LINES_PER_REQUEST_MAX = 20_000;
/** Days of per-day totals kept in memory. */
export const FINANCE_DAYS_MAX = 400;
/** Most recent journal lines shown. */
export const FINANCE_RECENT_LINES = 25;

const money = (text: string): bigint => parseTrusted(text, MONEY_SCALE);

interface DayTotals {
  cogs: bigint;
  revenue: bigint;
  shrinkage: bigint;
}

export interface FinanceSummary {
  time: string;
  day: string;
  today: { revenue: string; cogs: string; grossMargin: string; grossMarginPercent: string | null; shrinkage: string };
  period: { revenue: string; cogs: string; grossMargin: string; grossMarginPercent: string | null; shrinkage: string };
  grni: string;
  inventoryBySite: { site: string; value: string }[];
  inventoryByLocation: { location: string; name: string; site: string; value: string }[];
  journal: JournalRow[];
}

/**
 * The finance view of the dashboard, read from the ledger: inventory value by site and location, COGS, revenue
 * and gross margin today and for the period (all time here until periods are closed), GRNI, shrinkage, and the
 * latest journal lines. Per-day totals are accumulated from the journal with a cursor, so each request reads
 * only lines it has not seen. Exact decimals throughout (BigInt at the journal's 4 decimals).
 */
export class FinanceView {
  private cursor: number | undefined;
  private readonly days = new Map<string, DayTotals>();
  private recent: JournalRow[] = [];

  constructor(private readonly store: LedgerStore) {}

  async summary(nowMs: number): Promise<FinanceSummary> {
    await this.catchUp();
    const [balances, stock, locations] = await Promise.all([
      this.store.trialBalance(),
      this.store.stock(),
      this.store.locations(),
    ]);
    const balance = (account: string) =>
      money(balances.accounts.find((row) => row.account === account)?.balance ?? '0');
    const day = new Date(nowMs).toISOString().slice(0, 10);
    const today = this.days.get(day) ?? { cogs: 0n, revenue: 0n, shrinkage: 0n };
    const period = {
      cogs: balance(ACCOUNTS.cogs),
      revenue: -balance(ACCOUNTS.revenue),
      shrinkage: balance(ACCOUNTS.shrinkage),
    };
    const names = new Map(locations.map((row) => [row.id, row.name ?? row.id] as const));
    const bySite = new Map<string, bigint>();
    const byLocation = new Map<string, { site: string; value: bigint }>();
    for (const row of stock) {
      bySite.set(row.site, (bySite.get(row.site) ?? 0n) + money(row.value));
      const entry = byLocation.get(row.location) ?? { site: row.site, value: 0n };
      entry.value += money(row.value);
      byLocation.set(row.location, entry);
    }
    return {
      time: new Date(nowMs).toISOString(),
      day,
      today: margins(today),
      period: margins(period),
      grni: formatMoney(-balance(ACCOUNTS.grni)),
      inventoryBySite: [...bySite].sort().map(([site, value]) => ({ site, value: formatMoney(value) })),
      inventoryByLocation: [...byLocation]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([location, entry]) => ({
          location,
          name: names.get(location) ?? location,
          site: entry.site,
          value: formatMoney(entry.value),
        })),
      journal: [...this.recent],
    };
  }

  private async catchUp(): Promise<void> {
    let read = 0;
    while (read < FINANCE_LINES_PER_REQUEST_MAX) {
      const page = await this.store.journal({
        ...(this.cursor === undefined ? {} : { after: this.cursor }),
        limit: 1_000,
      });
      for (const line of page.items) this.add(line);
      read += page.items.length;
      if (page.items.length > 0) this.cursor = page.items[page.items.length - 1]?.seq ?? this.cursor;
      if (page.nextAfter === null || page.items.length === 0) break;
    }
  }

  private add(line: JournalRow): void {
    const day = line.time.slice(0, 10);
    let totals = this.days.get(day);
    if (!totals) {
      this.days.set(day, (totals = { cogs: 0n, revenue: 0n, shrinkage: 0n }));
      if (this.days.size > FINANCE_DAYS_MAX) this.days.delete(this.days.keys().next().value as string);
    }
    const net = money(line.debit) - money(line.credit);
    if (line.account === ACCOUNTS.cogs) totals.cogs += net;
    else if (line.account === ACCOUNTS.revenue) totals.revenue -= net;
    else if (line.account === ACCOUNTS.shrinkage) totals.shrinkage += net;
    this.recent.unshift(line);
    if (this.recent.length > FINANCE_RECENT_LINES) this.recent.length = FINANCE_RECENT_LINES;
  }
}

/** Gross margin = revenue − COGS; the percentage to 1 decimal, from integers (null without revenue). */
function margins(totals: DayTotals) {
  const margin = totals.revenue - totals.cogs;
  const percentTenths = totals.revenue === 0n ? null : (margin * 1000n) / totals.revenue;
  return {
    revenue: formatMoney(totals.revenue),
    cogs: formatMoney(totals.cogs),
    grossMargin: formatMoney(margin),
    grossMarginPercent: percentTenths === null ? null : percentText(percentTenths),
    shrinkage: formatMoney(totals.shrinkage),
  };
}

function percentText(tenths: bigint): string {
  const magnitude = tenths < 0n ? -tenths : tenths;
  return `${tenths < 0n ? '-' : ''}${magnitude / 10n}.${magnitude % 10n}`;
}
