import { formatMoney, formatQuantity, ONE_UNIT } from './decimal.js';
import { positionKey, type Position } from './state.js';
import {
  addEntryMove,
  addJournalMove,
  checkFifoOrder,
  checkItem as item,
  checkNoNegativeValue,
  checkReversalMirrors,
  checkValueRange,
  emptyMoves,
  failCheck as fail,
  layerSourceIds,
  type CheckItem,
  type TransactionMoves,
} from './valuation-checks.js';
import { firstExcess, withinLimit } from './limits.js';
import { positionChecks as positionMagnitudes } from './magnitudes.js';
import { layersQty, layersValue, type Valuation } from './valuation.js';

export { CHECK_VIOLATIONS_MAX, type CheckItem } from './valuation-checks.js';

/**
 * The ledger's invariants, checked over everything a store holds (stores stream
 * their rows into an InvariantChecker). Pure: no I/O.
 *  1. position qty = Σ entry qty deltas = last entry's qty after; same for value
 *  2. position value = Σ remaining layer values; qty = Σ layer qty
 *  3. Σ debits = Σ credits over the journal
 *  4. each materialised account balance = Σ its journal lines
 *  5. each inventory account's balance = Σ value of the positions on its locations
 *  6. EPCs in stock per position = the position's EPC count ≤ its whole units
 *  7. books that balance but are wrong (valuation-checks.ts): values within their
 *     layers' costs, no negative values, FIFO layers in time order, reversals that mirror
 *  8. every stored number is within the magnitude limit (limits.ts); data an older
 *     version let past it is reported here, never a crash
 */

export interface CheckReport {
  ok: boolean;
  checks: CheckItem[];
}

export interface EntrySum {
  qty: bigint;
  value: bigint;
  count: number;
  lastQtyAfter: bigint;
  lastValueAfter: bigint;
}

export class InvariantChecker {
  private readonly positions: Position[] = [];
  private readonly entrySums = new Map<string, EntrySum>();
  private readonly journalByAccount = new Map<string, { debit: bigint; credit: bigint }>();
  private readonly balances = new Map<string, bigint>();
  private readonly epcCounts = new Map<string, number>();

  private readonly sequences = new Map<string, number>();
  private readonly reversalPairs: { original: string; reversal: string }[] = [];
  private readonly transactionMoves = new Map<string, TransactionMoves>();

  constructor(
    private readonly inventoryAccountOf: (location: string) => string,
    private readonly valuationOf: (product: string) => Valuation | undefined = () => undefined,
  ) {}

  /** Transactions named by some layer: the store gives their sequence numbers (addTransactionSequence). */
  layerSourceIds(): string[] {
    return layerSourceIds(this.positions);
  }

  addTransactionSequence(id: string, sequence: number): void {
    this.sequences.set(id, sequence);
  }

  addReversalPair(original: string, reversal: string): void {
    this.reversalPairs.push({ original, reversal });
  }

  /** An entry of a reversed transaction or of its reversal. */
  addPairEntry(transactionId: string, product: string, location: string, qtyDelta: bigint): void {
    addEntryMove(this.movesOf(transactionId), product, location, qtyDelta, this.inventoryAccountOf(location));
  }

  /** A journal line of a reversed transaction or of its reversal. */
  addPairJournalLine(transactionId: string, account: string, debit: bigint, credit: bigint): void {
    addJournalMove(this.movesOf(transactionId), account, debit - credit);
  }

  private movesOf(transactionId: string): TransactionMoves {
    let moves = this.transactionMoves.get(transactionId);
    if (!moves) this.transactionMoves.set(transactionId, (moves = emptyMoves()));
    return moves;
  }

  addPosition(position: Position): void {
    this.positions.push(position);
  }

  /** Entries must be added in sequence order (last one wins for the "after" columns). */
  addEntry(
    product: string,
    location: string,
    qtyDelta: bigint,
    valueDelta: bigint,
    qtyAfter: bigint,
    valueAfter: bigint,
  ): void {
    const key = positionKey(product, location);
    const sum = this.entrySums.get(key) ?? { qty: 0n, value: 0n, count: 0, lastQtyAfter: 0n, lastValueAfter: 0n };
    sum.qty += qtyDelta;
    sum.value += valueDelta;
    sum.count += 1;
    sum.lastQtyAfter = qtyAfter;
    sum.lastValueAfter = valueAfter;
    this.entrySums.set(key, sum);
  }

  /** The same as adding each entry, for stores that sum exactly in SQL. */
  addEntrySum(product: string, location: string, sum: EntrySum): void {
    this.entrySums.set(positionKey(product, location), sum);
  }

  addJournalLine(account: string, debit: bigint, credit: bigint): void {
    const sum = this.journalByAccount.get(account) ?? { debit: 0n, credit: 0n };
    sum.debit += debit;
    sum.credit += credit;
    this.journalByAccount.set(account, sum);
  }

  addAccountBalance(account: string, balance: bigint): void {
    this.balances.set(account, balance);
  }

  addEpcInStock(product: string, location: string): void {
    const key = positionKey(product, location);
    this.epcCounts.set(key, (this.epcCounts.get(key) ?? 0) + 1);
  }

  report(): CheckReport {
    const { balance, layers, epcs, valueByAccount } = this.positionChecks();
    const checks = [
      balance,
      layers,
      this.journalCheck(),
      this.balanceCheck(),
      this.inventoryCheck(valueByAccount),
      epcs,
      checkValueRange(this.positions),
      checkNoNegativeValue(this.positions),
      checkFifoOrder(this.positions, this.valuationOf, this.sequences),
      checkReversalMirrors(this.reversalPairs, (id) => this.movesOf(id)),
      magnitudeLimitCheck(this.positions, this.balances),
    ];
    return { ok: checks.every((check) => check.ok), checks };
  }

  /** Checks 1, 2 and 6 per position; also sums stock value per inventory account for check 5. */
  private positionChecks(): {
    balance: CheckItem;
    layers: CheckItem;
    epcs: CheckItem;
    valueByAccount: Map<string, bigint>;
  } {
    const positionChecks = item('position balance = Σ entry deltas');
    const layerChecks = item('stock value = Σ remaining layers');
    const epcChecks = item('EPCs in stock agree with quantities');
    const seen = new Set<string>();
    const valueByAccount = new Map<string, bigint>();
    for (const position of this.positions) {
      const key = positionKey(position.product, position.location);
      seen.add(key);
      this.checkEntrySums(position, positionChecks);
      checkLayers(position, layerChecks);
      this.checkEpcCount(position, epcChecks);
      const account = this.inventoryAccountOf(position.location);
      valueByAccount.set(account, (valueByAccount.get(account) ?? 0n) + position.value);
    }
    for (const key of this.entrySums.keys())
      if (!seen.has(key)) fail(positionChecks, `entries exist for ${key.replace('\u0000', ' at ')} but no position`);
    for (const key of this.epcCounts.keys())
      if (!seen.has(key)) fail(epcChecks, `EPCs in stock for ${key.replace('\u0000', ' at ')} but no position`);
    return { balance: positionChecks, layers: layerChecks, epcs: epcChecks, valueByAccount };
  }

  private checkEntrySums(position: Position, check: CheckItem): void {
    const key = positionKey(position.product, position.location);
    const sum = this.entrySums.get(key) ?? { qty: 0n, value: 0n, count: 0, lastQtyAfter: 0n, lastValueAfter: 0n };
    check.checked++;
    if (
      sum.qty !== position.qty ||
      sum.value !== position.value ||
      sum.lastQtyAfter !== position.qty ||
      sum.lastValueAfter !== position.value ||
      sum.count !== position.entryCount
    ) {
      fail(
        check,
        `${position.product} at ${position.location}: balance ${formatQuantity(position.qty)} / ${formatMoney(position.value)} over ${position.entryCount} entries, entries sum to ${formatQuantity(sum.qty)} / ${formatMoney(sum.value)} over ${sum.count}`,
      );
    }
  }

  private checkEpcCount(position: Position, check: CheckItem): void {
    check.checked++;
    const epcs = this.epcCounts.get(positionKey(position.product, position.location)) ?? 0;
    const wholeUnits = position.qty > 0n ? position.qty / ONE_UNIT : 0n;
    if (epcs !== position.epcCount || BigInt(epcs) > wholeUnits)
      fail(
        check,
        `${position.product} at ${position.location}: ${epcs} EPCs in stock, position counts ${position.epcCount}, quantity ${formatQuantity(position.qty)}`,
      );
  }

  private journalCheck(): CheckItem {
    const check = item('Σ debits = Σ credits');
    let debit = 0n;
    let credit = 0n;
    for (const sum of this.journalByAccount.values()) {
      debit += sum.debit;
      credit += sum.credit;
    }
    check.checked = this.journalByAccount.size;
    if (debit !== credit) fail(check, `debits ${formatMoney(debit)} ≠ credits ${formatMoney(credit)}`);
    return check;
  }

  private balanceCheck(): CheckItem {
    const check = item('account balance = Σ its journal lines');
    const accounts = new Set([...this.journalByAccount.keys(), ...this.balances.keys()]);
    for (const account of accounts) {
      check.checked++;
      const sum = this.journalByAccount.get(account) ?? { debit: 0n, credit: 0n };
      const balance = this.balances.get(account) ?? 0n;
      if (balance !== sum.debit - sum.credit)
        fail(check, `${account}: balance ${formatMoney(balance)}, journal ${formatMoney(sum.debit - sum.credit)}`);
    }
    return check;
  }

  private inventoryCheck(valueByAccount: ReadonlyMap<string, bigint>): CheckItem {
    const check = item('GL inventory = Σ stock value of its locations');
    for (const [account, value] of valueByAccount) {
      check.checked++;
      const balance = this.balances.get(account) ?? 0n;
      if (balance !== value) fail(check, `${account}: GL ${formatMoney(balance)}, stock ${formatMoney(value)}`);
    }
    return check;
  }
}

function checkLayers(position: Position, check: CheckItem): void {
  check.checked++;
  if (layersValue(position.layers) !== position.value || layersQty(position.layers) !== position.qty) {
    fail(
      check,
      `${position.product} at ${position.location}: value ${formatMoney(position.value)} but layers hold ${formatQuantity(layersQty(position.layers))} / ${formatMoney(layersValue(position.layers))}`,
    );
  }
}

function magnitudeLimitCheck(positions: readonly Position[], balances: ReadonlyMap<string, bigint>): CheckItem {
  const check = item('numbers within the magnitude limit');
  for (const position of positions) {
    check.checked++;
    const excess = firstExcess(positionMagnitudes(position));
    if (excess) fail(check, `${excess.what}: ${excess.text} is beyond ±${excess.limitText}`);
  }
  for (const [account, balance] of balances) {
    check.checked++;
    if (!withinLimit('money', balance))
      fail(check, `balance of ${account}: ${formatMoney(balance)} is beyond the money limit`);
  }
  return check;
}

export function formatCheckReport(report: CheckReport): string {
  const lines = [`ledger check: ${report.ok ? 'OK' : 'FAILED'}`];
  for (const check of report.checks) {
    lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name} (${check.checked} checked)`);
    for (const violation of check.violations) lines.push(`         - ${violation}`);
  }
  return lines.join('\n');
}
