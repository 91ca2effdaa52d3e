import type { Location, Product } from '../ledger/catalog.js';
import {
  formatMoney,
  formatQuantity,
  formatUnitCost,
  parseTrusted,
  MONEY_SCALE,
  QUANTITY_SCALE,
  unitCostOf,
} from '../ledger/decimal.js';
import type {
  ApplyResult,
  Entry,
  EpcRecord,
  JournalLine,
  Layer,
  Position,
  TransactionRecord,
} from '../ledger/state.js';
import type { EntryRow, EpcRow, JournalRow, ProductRow, StockRow } from './ledger-store.js';

/** Row (de)serialisation shared by the SQL stores: decimals travel as strings, layers as JSON. */

export const quantityText = formatQuantity;
export const moneyText = formatMoney;
export const parseQuantity = (text: string): bigint => parseTrusted(text, QUANTITY_SCALE);
export const parseMoney = (text: string): bigint => parseTrusted(text, MONEY_SCALE);

export function layersToJson(layers: readonly Layer[]): string {
  return JSON.stringify(layers.map((layer) => [formatQuantity(layer.qty), formatMoney(layer.value), layer.sourceId]));
}

export function layersFromJson(text: string): Layer[] {
  const raw = JSON.parse(text) as [string, string, string][];
  return raw.map(([qty, value, sourceId]) => ({ qty: parseQuantity(qty), value: parseMoney(value), sourceId }));
}

/** Layer provenance of an entry as JSON `{"in": [[qty, value, source]…], "out": […]}` (null on old rows). */
export function provenanceToJson(entry: Entry): string | null {
  if (entry.layersIn === undefined && entry.layersOut === undefined) return null;
  return `{"in":${layersToJson(entry.layersIn ?? [])},"out":${layersToJson(entry.layersOut ?? [])}}`;
}

function provenanceFromJson(text: string | null | undefined): Pick<Entry, 'layersIn' | 'layersOut'> {
  if (text === null || text === undefined) return {};
  const raw = JSON.parse(text) as { in: unknown; out: unknown };
  return { layersIn: layersFromJson(JSON.stringify(raw.in)), layersOut: layersFromJson(JSON.stringify(raw.out)) };
}

export interface PositionColumns {
  product: string;
  location: string;
  qty: string;
  value: string;
  layers: string;
  entry_count: number | string;
  last_count_ms: number | string | null;
  epc_count: number | string;
}

export function positionFromRow(row: PositionColumns): Position {
  return {
    product: row.product,
    location: row.location,
    qty: parseQuantity(String(row.qty)),
    value: parseMoney(String(row.value)),
    layers: layersFromJson(row.layers),
    entryCount: Number(row.entry_count),
    lastCountMs: row.last_count_ms === null ? null : Number(row.last_count_ms),
    epcCount: Number(row.epc_count),
  };
}

export function stockRow(position: Position, location: Location | undefined): StockRow {
  return {
    product: position.product,
    location: position.location,
    site: location?.site ?? 'default',
    qty: formatQuantity(position.qty),
    available: formatQuantity(position.qty > 0n ? position.qty : 0n),
    value: formatMoney(position.value),
    unitCost: formatUnitCost(unitCostOf(position.value, position.qty)),
    layers: position.layers.map((layer) => ({
      qty: formatQuantity(layer.qty),
      unitCost: formatUnitCost(unitCostOf(layer.value, layer.qty)),
      value: formatMoney(layer.value),
    })),
    epcsInStock: position.epcCount,
    lastCountTime: position.lastCountMs === null ? null : new Date(position.lastCountMs).toISOString(),
  };
}

export interface EntryColumns {
  seq: number | string;
  transaction_id: string;
  product: string;
  location: string;
  kind: string;
  qty_delta: string;
  value_delta: string;
  qty_after: string;
  value_after: string;
  time_ms: number | string;
  recorded_ms: number | string;
  reverses: string | null;
  /** Layer provenance (see provenanceToJson); absent in queries that do not select it. */
  layers?: string | null;
}

export function entryFromRow(row: EntryColumns): Entry {
  return {
    transactionId: row.transaction_id,
    product: row.product,
    location: row.location,
    kind: row.kind as Entry['kind'],
    qtyDelta: parseQuantity(String(row.qty_delta)),
    valueDelta: parseMoney(String(row.value_delta)),
    qtyAfter: parseQuantity(String(row.qty_after)),
    valueAfter: parseMoney(String(row.value_after)),
    timeMs: Number(row.time_ms),
    recordedMs: Number(row.recorded_ms),
    ...(row.reverses === null ? {} : { reverses: row.reverses }),
    ...provenanceFromJson(row.layers),
  };
}

export function entryRowView(row: EntryColumns): EntryRow {
  return {
    seq: Number(row.seq),
    transactionId: row.transaction_id,
    product: row.product,
    location: row.location,
    kind: row.kind as EntryRow['kind'],
    qtyDelta: formatQuantity(parseQuantity(String(row.qty_delta))),
    valueDelta: formatMoney(parseMoney(String(row.value_delta))),
    qtyAfter: formatQuantity(parseQuantity(String(row.qty_after))),
    valueAfter: formatMoney(parseMoney(String(row.value_after))),
    time: new Date(Number(row.time_ms)).toISOString(),
    recordedTime: new Date(Number(row.recorded_ms)).toISOString(),
    ...(row.reverses === null ? {} : { reverses: row.reverses }),
    ...provenanceView(row.layers),
  };
}

function provenanceView(text: string | null | undefined): Pick<EntryRow, 'layersIn' | 'layersOut'> {
  const { layersIn, layersOut } = provenanceFromJson(text);
  if (layersIn === undefined || layersOut === undefined) return {};
  const view = (layers: readonly Layer[]) =>
    layers.map((layer) => ({
      qty: formatQuantity(layer.qty),
      value: formatMoney(layer.value),
      sourceId: layer.sourceId,
    }));
  return { layersIn: view(layersIn), layersOut: view(layersOut) };
}

export interface EpcColumns {
  epc: string;
  product: string;
  location: string;
  status: string;
  /** Present on move rows; the state row leaves them to its last move. */
  transaction_id?: string;
  time_ms?: number | string;
}

/** The engine reads product, location and status; when and by what live on the EPC's last move. */
export function epcFromRow(row: EpcColumns): EpcRecord {
  return {
    epc: row.epc,
    product: row.product,
    location: row.location,
    status: row.status as EpcRecord['status'],
    transactionId: row.transaction_id ?? '',
    timeMs: Number(row.time_ms ?? 0),
  };
}

export function epcRowView(row: EpcColumns): EpcRow {
  return {
    epc: row.epc,
    product: row.product,
    location: row.location,
    status: row.status as EpcRow['status'],
    transactionId: row.transaction_id ?? '',
    time: new Date(Number(row.time_ms ?? 0)).toISOString(),
  };
}

/** An EPC move row (epc_moves); the EPC itself is the key the caller looked up. */
export interface MoveColumns {
  seq: number | string;
  transaction_id: string;
  product: string;
  location: string;
  status: string;
  time_ms: number | string;
  recorded_ms: number | string;
}

export interface TransactionColumns {
  id: string;
  type: string;
  payload_hash: string;
  payload: string;
  time_ms: number | string;
  recorded_ms: number | string;
  result: string;
  reversed_by: string | null;
}

export function transactionFromRow(row: TransactionColumns): TransactionRecord {
  return {
    id: row.id,
    type: row.type,
    payloadHash: row.payload_hash,
    payload: JSON.parse(row.payload) as unknown,
    timeMs: Number(row.time_ms),
    recordedMs: Number(row.recorded_ms),
    result: parseResult(row.result),
    ...(row.reversed_by === null ? {} : { reversedBy: row.reversed_by }),
  };
}

export interface JournalColumns {
  seq: number | string;
  transaction_id: string;
  account: string;
  debit: string;
  credit: string;
  time_ms: number | string;
  recorded_ms: number | string;
}

export function journalLineFromRow(row: JournalColumns): JournalLine {
  return {
    transactionId: row.transaction_id,
    account: row.account,
    debit: parseMoney(row.debit),
    credit: parseMoney(row.credit),
    timeMs: Number(row.time_ms),
    recordedMs: Number(row.recorded_ms),
  };
}

/** Amounts are re-formatted so both stores answer alike (PostgreSQL numeric text carries its own scale). */
export function journalRowView(row: JournalColumns): JournalRow {
  return {
    seq: Number(row.seq),
    transactionId: row.transaction_id,
    account: row.account,
    debit: formatMoney(parseMoney(row.debit)),
    credit: formatMoney(parseMoney(row.credit)),
    time: new Date(Number(row.time_ms)).toISOString(),
  };
}

export function productRow(product: Product): ProductRow {
  return { ...product };
}

export function parseResult(text: string): ApplyResult {
  return JSON.parse(text) as ApplyResult;
}

/** Batches one logical write into chunks so no statement grows without bound. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}
