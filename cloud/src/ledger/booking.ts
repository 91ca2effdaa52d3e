import { assertInvariant } from '../../../shared/src/errors.js';
import { makeError, type ErrorDefinition } from '../../../shared/src/errors.js';
import type { PositionChange } from './position-change.js';
import { ACCOUNTS, autoRegisterLocation, type Location, type Product } from './catalog.js';
import { formatMoney, formatQuantity, ONE_UNIT, parseTrusted, UNIT_COST_SCALE } from './decimal.js';
import { LedgerErrors } from './errors.js';
import { postingTimeMs } from './periods.js';
import {
  emptyPosition,
  positionKey,
  type Entry,
  type EntryKind,
  type EpcStatus,
  type JournalLine,
  type Layer,
  type Position,
} from './state.js';
import { magnitudeChecksOf } from './magnitudes.js';
import { firstExcess } from './limits.js';
import { siteBindingViolation, type SiteMove } from './site-binding.js';
import { issue, layersQty, layersValue, receive, removeExact, restore } from './valuation.js';
import type { WorkingState } from './working-state.js';

/** Thrown inside the engine to abandon a transaction; caught by applyTransaction and returned as `rejected`. */
export class Rejection extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function reject(definition: ErrorDefinition, details: Record<string, string | number> = {}): never {
  const error = makeError(definition, details);
  throw new Rejection(error.code, error.message);
}

interface EntryDraft {
  product: string;
  location: string;
  kind: EntryKind;
  qtyDelta: bigint;
  valueDelta: bigint;
  incoming: Layer[];
  outgoing: Layer[];
  lateAfterCount: boolean;
}

/**
 * Collects what one transaction does: position changes (one entry per product ×
 * location), journal amounts per account and EPC moves, then checks conservation
 * and writes them into the working state in finish().
 */
export class Booking {
  private readonly drafts = new Map<string, EntryDraft>();
  private readonly amounts = new Map<string, bigint>();
  readonly flags = new Set<string>();
  private readonly entryCountBefore = new Map<string, number>();
  /** Set for device transactions bound to their gateway's site (site-binding.ts). */
  boundSite: string | undefined;

  constructor(
    readonly state: WorkingState,
    readonly transactionId: string,
    readonly timeMs: number,
    readonly recordedMs: number,
    readonly kind: string,
    private readonly reverses?: string,
    private readonly siteHint?: string,
  ) {}

  product(key: string): Product {
    const gtin = this.state.resolveProduct(key);
    const product = gtin === undefined ? undefined : this.state.product(gtin);
    if (!product) return reject(LedgerErrors.UNKNOWN_PRODUCT, { product: key });
    return product;
  }

  location(id: string): Location {
    const known = this.state.location(id);
    if (known) return known;
    const registered = autoRegisterLocation(id, this.siteHint);
    this.state.putLocation(registered);
    this.flags.add('location_registered');
    return registered;
  }

  position(product: string, location: string): Position {
    const position = this.state.position(product, location) ?? emptyPosition(product, location);
    const key = positionKey(product, location);
    if (!this.entryCountBefore.has(key)) this.entryCountBefore.set(key, position.entryCount);
    return position;
  }

  /** True when no entry was ever booked at the position before this transaction (the initial count). */
  isFirstEntry(product: string, location: string): boolean {
    this.position(product, location);
    return this.entryCountBefore.get(positionKey(product, location)) === 0;
  }

  post(account: string, amount: bigint): void {
    if (amount === 0n) return;
    this.amounts.set(account, (this.amounts.get(account) ?? 0n) + amount);
  }

  /** Refuses a position change at another site's location when the transaction is site-bound. */
  private requireSite(location: Location, move: SiteMove): void {
    if (this.boundSite === undefined) return;
    const action = siteBindingViolation(this.boundSite, location, move);
    if (action === undefined) return;
    reject(LedgerErrors.SITE_MISMATCH, {
      site: this.boundSite,
      action,
      location: location.id,
      locationSite: location.site,
    });
  }

  private draft(product: string, location: string, kind: EntryKind): EntryDraft {
    const key = positionKey(product, location);
    let draft = this.drafts.get(key);
    if (!draft) {
      const position = this.position(product, location);
      const lateAfterCount =
        this.kind !== 'count' &&
        this.kind !== 'reversal' &&
        position.lastCountMs !== null &&
        this.timeMs < position.lastCountMs;
      draft = { product, location, kind, qtyDelta: 0n, valueDelta: 0n, incoming: [], outgoing: [], lateAfterCount };
      this.drafts.set(key, draft);
    }
    return draft;
  }

  /** Takes stock out at cost; refuses an oversell unless the product allows negative stock (or the event is older than the last count). */
  issue(
    product: Product,
    location: Location,
    qty: bigint,
    kind: EntryKind,
    options: { preferSourceId?: string; preferCostOf?: Layer; force?: boolean } = {},
  ): { value: bigint; consumed: Layer[] } {
    this.requireSite(location, 'out');
    const draft = this.draft(product.gtin, location.id, kind);
    const position = this.position(product.gtin, location.id);
    const outcome = issue(position, qty, {
      valuation: product.valuation,
      allowNegative: product.allowNegative || draft.lateAfterCount || options.force === true,
      fallbackUnitCost:
        product.standardCost === undefined ? undefined : parseTrusted(product.standardCost, UNIT_COST_SCALE),
      ...(options.preferSourceId === undefined ? {} : { preferSourceId: options.preferSourceId }),
      ...(options.preferCostOf === undefined ? {} : { preferCostOf: options.preferCostOf }),
    });
    if (!outcome.ok) {
      return reject(LedgerErrors.INSUFFICIENT_STOCK, {
        qty: formatQuantity(qty),
        product: product.gtin,
        location: location.id,
        availableQty: formatQuantity(outcome.availableQty),
      });
    }
    this.state.putPosition(outcome.position);
    draft.qtyDelta -= qty;
    draft.valueDelta -= outcome.value;
    draft.outgoing.push(...outcome.consumed);
    this.post(location.inventoryAccount, -outcome.value);
    return { value: outcome.value, consumed: outcome.consumed };
  }

  /** Puts back layers an earlier transaction took out, where FIFO says they belong (see valuation.restore). */
  restore(
    product: Product,
    location: Location,
    layers: readonly Layer[],
    kind: EntryKind,
    varianceAccount: string = ACCOUNTS.costVariance,
  ): bigint {
    this.requireSite(location, 'in');
    const draft = this.draft(product.gtin, location.id, kind);
    const outcome = restore(this.position(product.gtin, location.id), layers, product.valuation);
    this.state.putPosition(outcome.position);
    draft.qtyDelta += layersQty(layers);
    draft.valueDelta += outcome.valueDelta;
    draft.incoming.push(...layers);
    this.post(location.inventoryAccount, layersValue(layers));
    if (outcome.variance !== 0n) {
      // Covering a shortfall at another cost than its provisional one: a reversal's variance (or COGS, see receive).
      this.post(location.inventoryAccount, -outcome.variance);
      this.post(varianceAccount, outcome.variance);
      this.flags.add('negative_stock_covered');
    }
    return layersValue(layers);
  }

  /** Puts layers into stock; a negative position is covered first and its cost variance goes to COGS. Returns the value added to Inventory before variance. */
  receive(product: Product, location: Location, layers: readonly Layer[], kind: EntryKind): bigint {
    this.requireSite(location, 'in');
    const draft = this.draft(product.gtin, location.id, kind);
    const position = this.position(product.gtin, location.id);
    const outcome = receive(position, layers, product.valuation);
    this.state.putPosition(outcome.position);
    const incomingValue = layersValue(layers);
    draft.qtyDelta += layersQty(layers);
    draft.valueDelta += outcome.valueDelta;
    draft.incoming.push(...layers);
    this.post(location.inventoryAccount, incomingValue);
    if (outcome.variance !== 0n) {
      this.post(location.inventoryAccount, -outcome.variance);
      this.post(ACCOUNTS.cogs, outcome.variance);
      this.flags.add('negative_stock_covered');
    }
    return incomingValue;
  }

  /** Removes exactly what an earlier transaction brought in; undefined when that stock is gone. */
  removeExact(
    product: Product,
    location: Location,
    qty: bigint,
    value: bigint,
    sourceId: string,
    kind: EntryKind,
  ): bigint | undefined {
    this.requireSite(location, 'out');
    const draft = this.draft(product.gtin, location.id, kind);
    const outcome = removeExact(this.position(product.gtin, location.id), qty, value, sourceId, product.valuation);
    if (!outcome) return undefined;
    this.state.putPosition(outcome.position);
    draft.qtyDelta -= qty;
    draft.valueDelta -= outcome.value;
    draft.outgoing.push({ qty, value: outcome.value, sourceId });
    this.post(location.inventoryAccount, -outcome.value);
    return outcome.value;
  }

  /** Records a zero movement (a count that agrees), so the position shows it was counted. */
  touch(product: Product, location: Location, kind: EntryKind): void {
    this.requireSite(location, 'in');
    this.draft(product.gtin, location.id, kind);
  }

  markCounted(product: Product, location: Location): void {
    const position = this.position(product.gtin, location.id);
    this.state.putPosition({ ...position, lastCountMs: Math.max(position.lastCountMs ?? this.timeMs, this.timeMs) });
  }

  /** Moves an EPC's state, keeping each position's count of EPCs in stock. */
  setEpc(epc: string, product: string, location: string, status: EpcStatus): void {
    this.setEpcs([epc], product, location, status);
  }

  /** setEpc for many EPCs of one product going to one place: one position update per place touched. */
  setEpcs(epcs: readonly string[], product: string, location: string, status: EpcStatus): void {
    if (epcs.length === 0) return;
    const countDeltas = new Map<string, { product: string; location: string; delta: number }>();
    const adjust = (productKey: string, locationId: string, delta: number) => {
      const key = positionKey(productKey, locationId);
      const entry = countDeltas.get(key);
      if (entry) entry.delta += delta;
      else countDeltas.set(key, { product: productKey, location: locationId, delta });
    };
    const moveIndex = this.state.addEpcMove({
      transactionId: this.transactionId,
      product,
      location,
      status,
      timeMs: this.timeMs,
      recordedMs: this.recordedMs,
      epcCount: epcs.length,
    });
    // EPCs moving together mostly come from one place: count runs of the same origin, then adjust once per run.
    let runProduct = '';
    let runLocation = '';
    let runLength = 0;
    for (const epc of epcs) {
      const previous = this.state.epc(epc);
      if (previous && previous.status === 'in_stock') {
        if (runLength > 0 && (previous.product !== runProduct || previous.location !== runLocation)) {
          adjust(runProduct, runLocation, -runLength);
          runLength = 0;
        }
        runProduct = previous.product;
        runLocation = previous.location;
        runLength++;
      }
      this.state.putEpc(
        { epc, product, location, status, transactionId: this.transactionId, timeMs: this.timeMs },
        moveIndex,
      );
    }
    if (runLength > 0) adjust(runProduct, runLocation, -runLength);
    if (status === 'in_stock') adjust(product, location, epcs.length);
    for (const change of countDeltas.values()) {
      if (change.delta === 0) continue;
      const position = this.position(change.product, change.location);
      this.state.putPosition({ ...position, epcCount: position.epcCount + change.delta });
    }
  }

  /**
   * Late-event policy: a movement whose event time is before the last count of its
   * position was already seen by that count, so its quantity is given back against
   * Shrinkage (the count's difference is reclassified, nothing is counted twice).
   */
  private compensateLateMovements(): void {
    for (const draft of this.drafts.values()) {
      if (!draft.lateAfterCount || draft.qtyDelta === 0n) continue;
      const product = this.product(draft.product);
      const location = this.location(draft.location);
      this.flags.add('before_last_count');
      if (draft.qtyDelta < 0n) {
        // The layers go back where they came from (restore); their value comes from Shrinkage.
        const added = this.restore(
          product,
          location,
          draft.outgoing.map((layer) => ({ ...layer })),
          draft.kind,
          ACCOUNTS.cogs,
        );
        this.post(ACCOUNTS.shrinkage, -added);
      } else {
        for (const layer of [...draft.incoming].reverse()) {
          const removed =
            this.removeExact(product, location, layer.qty, layer.value, layer.sourceId, draft.kind) ??
            this.issue(product, location, layer.qty, draft.kind, { force: true }).value;
          this.post(ACCOUNTS.shrinkage, removed);
        }
      }
    }
  }

  private amountOf(account: string): bigint {
    return this.amounts.get(account) ?? 0n;
  }

  /** Σ debits − Σ credits posted so far (0 when balanced). */
  imbalance(): bigint {
    let total = 0n;
    for (const amount of this.amounts.values()) total += amount;
    return total;
  }

  /** EPCs in stock beyond a position's quantity (stock left by quantity, not by EPC) become missing. */
  private releaseSurplusEpcs(): void {
    for (const draft of this.drafts.values()) {
      const position = this.position(draft.product, draft.location);
      const limit = position.qty > 0n ? position.qty / ONE_UNIT : 0n; // whole items only
      let surplus = BigInt(position.epcCount) - limit;
      if (surplus <= 0n) continue;
      for (const record of this.state.epcsAt(draft.location)) {
        if (surplus <= 0n) break;
        if (record.product !== draft.product) continue;
        this.setEpc(record.epc, record.product, record.location, 'missing');
        surplus -= 1n;
      }
      this.flags.add('epcs_marked_missing');
    }
  }

  /** Every number this transaction would store, checked against the one magnitude limit before anything is written. */
  private refuseBeyondLimit(): void {
    const drafts = [...this.drafts.values()].map((draft) => ({
      ...draft,
      position: this.position(draft.product, draft.location),
    }));
    const excess = firstExcess(magnitudeChecksOf(drafts, this.amounts));
    if (excess)
      reject(LedgerErrors.MAGNITUDE_LIMIT, { what: excess.what, value: excess.text, limit: excess.limitText });
  }

  /** Checks conservation and writes entries and journal lines; returns the position changes. */
  finish(): {
    entries: Entry[];
    journal: JournalLine[];
    changes: PositionChange[];
    qtyDelta: bigint;
    valueDelta: bigint;
  } {
    this.compensateLateMovements();
    this.releaseSurplusEpcs();
    this.refuseBeyondLimit();
    const { entries, changes, qtyDelta, valueDelta, inventoryByAccount } = this.entriesOfDrafts();
    // Conservation: each inventory account moved exactly by the value its positions moved.
    for (const [account, delta] of inventoryByAccount) {
      assertInvariant(
        this.amountOf(account) === delta,
        `inventory account ${account} moves ${delta} like its positions (${this.amountOf(account)})`,
      );
    }
    const journal = this.journalLines();
    if (entries.length > 0) this.state.appendEntries(entries);
    if (journal.length > 0) this.state.appendJournal(journal);
    return { entries, journal, changes, qtyDelta, valueDelta };
  }

  /** One entry per touched position (its new balance stored), with the change it announces. */
  private entriesOfDrafts(): {
    entries: Entry[];
    changes: PositionChange[];
    qtyDelta: bigint;
    valueDelta: bigint;
    inventoryByAccount: Map<string, bigint>;
  } {
    const entries: Entry[] = [];
    const changes: PositionChange[] = [];
    const time = new Date(this.timeMs).toISOString();
    let qtyDelta = 0n;
    let valueDelta = 0n;
    const inventoryByAccount = new Map<string, bigint>();
    for (const draft of this.drafts.values()) {
      const entry = this.entryOf(draft);
      entries.push(entry);
      qtyDelta += draft.qtyDelta;
      valueDelta += draft.valueDelta;
      const account = this.location(draft.location).inventoryAccount;
      inventoryByAccount.set(account, (inventoryByAccount.get(account) ?? 0n) + draft.valueDelta);
      changes.push({
        product: entry.product,
        location: entry.location,
        qtyDelta: formatQuantity(entry.qtyDelta),
        valueDelta: formatMoney(entry.valueDelta),
        qtyAfter: formatQuantity(entry.qtyAfter),
        valueAfter: formatMoney(entry.valueAfter),
        kind: entry.kind,
        transactionId: this.transactionId,
        time,
      });
    }
    return { entries, changes, qtyDelta, valueDelta, inventoryByAccount };
  }

  private entryOf(draft: EntryDraft): Entry {
    const position = this.position(draft.product, draft.location);
    assertInvariant(
      position.value === layersValue(position.layers),
      `value of ${draft.product} at ${draft.location} equals its layers`,
    );
    assertInvariant(
      position.qty === layersQty(position.layers),
      `quantity of ${draft.product} at ${draft.location} equals its layers`,
    );
    this.state.putPosition({ ...position, entryCount: position.entryCount + 1 });
    return {
      transactionId: this.transactionId,
      product: draft.product,
      location: draft.location,
      kind: draft.kind === 'transfer_out' && draft.qtyDelta > 0n ? 'transfer_in' : draft.kind,
      qtyDelta: draft.qtyDelta,
      valueDelta: draft.valueDelta,
      qtyAfter: position.qty,
      valueAfter: position.value,
      timeMs: this.timeMs,
      recordedMs: this.recordedMs,
      ...(this.reverses === undefined ? {} : { reverses: this.reverses }),
      layersIn: draft.incoming,
      layersOut: draft.outgoing,
    };
  }

  /** The transaction's journal: one line per account it moved, in account order; must balance. */
  private journalLines(): JournalLine[] {
    const journal: JournalLine[] = [];
    let balance = 0n;
    const postedMs = postingTimeMs(this.timeMs, this.state.closedThroughMs);
    for (const [account, amount] of [...this.amounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (amount === 0n) continue;
      balance += amount;
      journal.push({
        transactionId: this.transactionId,
        account,
        debit: amount > 0n ? amount : 0n,
        credit: amount < 0n ? -amount : 0n,
        timeMs: postedMs,
        recordedMs: this.recordedMs,
      });
    }
    if (journal.length > 0 && postedMs !== this.timeMs) this.flags.add('posted_in_open_period');
    assertInvariant(balance === 0n, `journal of ${this.transactionId} balances (Σ debit − Σ credit = ${balance})`);
    return journal;
  }
}
