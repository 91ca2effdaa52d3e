import { buildEpcisDocument, type EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { mapEpcisDocument } from '../../../cloud/src/ingest/epcis-to-transactions.js';
import type { Catalog } from '../../../cloud/src/ledger/catalog.js';
import type { ApplyResult } from '../../../cloud/src/ledger/state.js';
import type { Transaction } from '../../../cloud/src/ledger/transactions.js';
import { applyPosTransaction } from '../../../cloud/src/pos/service.js';
import { BATCH_TRANSACTIONS_MAX, type LedgerStore } from '../../../cloud/src/store/ledger-store.js';
import type { CountWire } from './count-digests.js';
import type { StoreInput } from './store-ops.js';

/**
 * Feeds what a store sends the cloud, in time order, through the cloud's own entry points: gateway
 * and handheld EPCIS documents through the ingest mapping (and receiving's ASN matching when a
 * receiving hook is given), till transactions through the POS service the API and the consumer use.
 */

export const GATEWAY_ID = 'accuracy-gw';

export type FeedInput = StoreInput | { timeMs: number; kind: 'epcis'; events: EpcisEvent[] };

/** Receiving's consumer hook (ReceivingService.prepareDocument), when the run has ASNs. */
export type PrepareDocument = (
  document: ReturnType<typeof buildEpcisDocument>,
  siteId: string,
  transactions: Transaction[],
) => Promise<{ transactions: Transaction[]; commit(results: readonly ApplyResult[]): Promise<void> }>;

export interface FeedDeps {
  store: LedgerStore;
  catalog: Catalog;
  siteId: string;
  prepareDocument?: PrepareDocument | undefined;
  /** Shelf counts as the gateway sends them and the cloud confirms them (digests on or off). */
  countWire?: CountWire | undefined;
}

export interface FeedResult {
  transactions: number;
  skipped: number;
  tillSales: number;
  handheldCounts: number;
  /** Transactions the ledger did not apply, with the reason (each one costs accuracy). */
  refused: string[];
}

const KIND_ORDER: Record<FeedInput['kind'], number> = { epcis: 0, 'zone-count': 1, pos: 2 };

export async function feedStore(inputs: readonly FeedInput[], deps: FeedDeps): Promise<FeedResult> {
  // Stable by time; at one instant the readers' events first, then the sweep, then the till.
  const ordered = inputs
    .map((input, order) => ({ input, order }))
    .sort(
      (a, b) =>
        a.input.timeMs - b.input.timeMs || KIND_ORDER[a.input.kind] - KIND_ORDER[b.input.kind] || a.order - b.order,
    )
    .map(({ input }) => input);
  const result: FeedResult = { transactions: 0, skipped: 0, tillSales: 0, handheldCounts: 0, refused: [] };
  for (const input of ordered) {
    if (input.kind === 'pos') {
      const outcome = await applyPosTransaction(input.pos, deps);
      if (outcome.kind === 'refused') result.refused.push(`pos ${input.pos.id}: ${outcome.error.message}`);
      else {
        result.tillSales++;
        result.transactions += outcome.results.length;
        for (const error of outcome.lineErrors) result.refused.push(`pos ${input.pos.id}: ${error.message}`);
      }
      continue;
    }
    if (input.kind === 'zone-count') result.handheldCounts++;
    deps.countWire?.advanceTo(input.timeMs);
    const events = input.kind === 'epcis' ? (deps.countWire?.shape(input.events) ?? input.events) : [input.event];
    await feedDocument(events, deps, result);
  }
  return result;
}

async function feedDocument(events: readonly EpcisEvent[], deps: FeedDeps, result: FeedResult): Promise<void> {
  const first = events[0];
  if (!first) return;
  const document = buildEpcisDocument(events, { creationDate: first.eventTime });
  const counts = await deps.countWire?.resolve(document);
  const mapped = mapEpcisDocument(document, { siteId: deps.siteId, gatewayId: GATEWAY_ID }, deps.catalog, counts);
  result.skipped += mapped.skipped.length;
  const prepared = deps.prepareDocument
    ? await deps.prepareDocument(document, deps.siteId, mapped.transactions)
    : { transactions: mapped.transactions, commit: async () => undefined };
  const results: ApplyResult[] = [];
  for (let offset = 0; offset < prepared.transactions.length; offset += BATCH_TRANSACTIONS_MAX)
    results.push(
      ...(await deps.store.applyBatch(prepared.transactions.slice(offset, offset + BATCH_TRANSACTIONS_MAX))),
    );
  await prepared.commit(results);
  for (const applied of results)
    if (applied.status !== 'applied')
      result.refused.push(`${applied.id}: ${applied.code ?? applied.status} ${applied.reason ?? ''}`);
  result.transactions += prepared.transactions.length;
}
