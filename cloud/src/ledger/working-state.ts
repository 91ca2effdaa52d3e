import type { Location, Product } from './catalog.js';
import {
  positionKey,
  type Entry,
  type EpcMove,
  type EpcRecord,
  type JournalLine,
  type Position,
  type StateSource,
  type TransactionRecord,
} from './state.js';

/**
 * Copy-on-write overlay over a StateSource. The engine writes here; each
 * transaction runs between begin() and commit()/rollback(), so a rejected
 * transaction leaves nothing behind. After the batch the store persists the
 * dirty records and appended rows.
 */
export class WorkingState {
  readonly positions = new Map<string, Position>();
  readonly epcs = new Map<string, EpcRecord>();
  readonly transactions = new Map<string, TransactionRecord>();
  readonly products = new Map<string, Product>();
  readonly locations = new Map<string, Location>();
  /** Transactions whose `reversedBy` was set in this batch. */
  readonly reversed = new Map<string, string>();
  readonly entries: Entry[] = [];
  readonly journal: JournalLine[] = [];
  /** Moves of this batch, and per EPC the indexes of the moves it took part in (in order). */
  readonly epcMoves: EpcMove[] = [];
  private readonly epcMoveIndexes = new Map<string, number | number[]>();
  readonly accountDeltas = new Map<string, bigint>();
  private readonly entriesByTransaction = new Map<string, Entry[]>();
  /**
   * Undo journal of the open transaction as flat arrays (no closure per write: the
   * item-level path writes several entries per EPC). Map writes record the map,
   * key and previous value; list appends record the list.
   */
  private undoOpen = false;
  private readonly undoTargets: (Map<unknown, unknown> | unknown[])[] = [];
  private readonly undoKeys: unknown[] = [];
  private readonly undoPrevious: unknown[] = [];
  private static readonly ABSENT = Symbol('absent');

  /** End of the last closed period (epoch ms): journal lines are never dated up to it (periods.ts). */
  closedThroughMs: number | undefined;

  constructor(private readonly source: StateSource) {}

  begin(): void {
    this.undoOpen = true;
    this.undoTargets.length = 0;
    this.undoKeys.length = 0;
    this.undoPrevious.length = 0;
  }

  commit(): void {
    this.undoOpen = false;
    this.undoTargets.length = 0;
    this.undoKeys.length = 0;
    this.undoPrevious.length = 0;
  }

  rollback(): void {
    for (let index = this.undoTargets.length - 1; index >= 0; index--) {
      const target = this.undoTargets[index];
      if (Array.isArray(target)) target.pop();
      else if (target) {
        const previous = this.undoPrevious[index];
        if (previous === WorkingState.ABSENT) target.delete(this.undoKeys[index]);
        else target.set(this.undoKeys[index], previous);
      }
    }
    this.commit();
  }

  private setIn<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (this.undoOpen) {
      this.undoTargets.push(map as Map<unknown, unknown>);
      this.undoKeys.push(key);
      this.undoPrevious.push(map.has(key) ? map.get(key) : WorkingState.ABSENT);
    }
    map.set(key, value);
  }

  private pushTo<T>(list: T[], item: T): void {
    if (this.undoOpen) {
      this.undoTargets.push(list as unknown[]);
      this.undoKeys.push(undefined);
      this.undoPrevious.push(undefined);
    }
    list.push(item);
  }

  product(gtin: string): Product | undefined {
    return this.products.get(gtin) ?? this.source.product(gtin);
  }

  resolveProduct(key: string): string | undefined {
    if (this.product(key)) return key;
    for (const product of this.products.values()) if (product.sku === key) return product.gtin;
    return this.source.productBySku(key);
  }

  putProduct(product: Product): void {
    this.setIn(this.products, product.gtin, product);
  }

  location(id: string): Location | undefined {
    return this.locations.get(id) ?? this.source.location(id);
  }

  putLocation(location: Location): void {
    this.setIn(this.locations, location.id, location);
  }

  position(product: string, location: string): Position | undefined {
    return this.positions.get(positionKey(product, location)) ?? this.source.position(product, location);
  }

  putPosition(position: Position): void {
    this.setIn(this.positions, positionKey(position.product, position.location), position);
  }

  epc(epc: string): EpcRecord | undefined {
    return this.epcs.get(epc) ?? this.source.epc(epc);
  }

  /** Records a move; returns its index for putEpc. */
  addEpcMove(move: EpcMove): number {
    this.pushTo(this.epcMoves, move);
    return this.epcMoves.length - 1;
  }

  putEpc(record: EpcRecord, moveIndex: number): void {
    this.setIn(this.epcs, record.epc, record);
    const previous = this.epcMoveIndexes.get(record.epc);
    // Most EPCs move once per batch: a plain number until a second move.
    this.setIn(
      this.epcMoveIndexes,
      record.epc,
      previous === undefined ? moveIndex : [...(typeof previous === 'number' ? [previous] : previous), moveIndex],
    );
  }

  /** Indexes (into epcMoves) of the moves an EPC took part in during this batch. */
  movesOf(epc: string): readonly number[] {
    const indexes = this.epcMoveIndexes.get(epc);
    return indexes === undefined ? [] : typeof indexes === 'number' ? [indexes] : indexes;
  }

  epcsAt(location: string): EpcRecord[] {
    const result: EpcRecord[] = [];
    for (const record of this.source.epcsAt(location)) if (!this.epcs.has(record.epc)) result.push(record);
    for (const record of this.epcs.values())
      if (record.location === location && record.status === 'in_stock') result.push(record);
    return result.sort((a, b) => (a.epc < b.epc ? -1 : a.epc > b.epc ? 1 : 0));
  }

  transaction(id: string): TransactionRecord | undefined {
    return this.transactions.get(id) ?? this.source.transaction(id);
  }

  putTransaction(record: TransactionRecord): void {
    this.setIn(this.transactions, record.id, record);
  }

  markReversed(id: string, reversalId: string): void {
    this.setIn(this.reversed, id, reversalId);
  }

  reversedBy(id: string): string | undefined {
    return this.reversed.get(id) ?? this.transaction(id)?.reversedBy;
  }

  entriesOf(transactionId: string): readonly Entry[] {
    return this.entriesByTransaction.get(transactionId) ?? this.source.entriesOf(transactionId);
  }

  journalOf(transactionId: string): readonly JournalLine[] {
    const own = this.journal.filter((line) => line.transactionId === transactionId);
    return own.length > 0 ? own : this.source.journalOf(transactionId);
  }

  appendEntries(entries: readonly Entry[]): void {
    for (const entry of entries) this.pushTo(this.entries, entry);
    const transactionId = entries[0]?.transactionId;
    if (transactionId !== undefined) this.setIn(this.entriesByTransaction, transactionId, [...entries]);
  }

  appendJournal(lines: readonly JournalLine[]): void {
    for (const line of lines) {
      this.pushTo(this.journal, line);
      const amount = line.debit - line.credit;
      this.setIn(this.accountDeltas, line.account, (this.accountDeltas.get(line.account) ?? 0n) + amount);
    }
  }
}
