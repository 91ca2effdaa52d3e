/**
 * Receiving overhead benchmark: dock-door pallet passes (one EPCIS document = AggregationEvent +
 * receiving ObjectEvent of 12 cases, 3 GTINs) applied the way the MQTT consumer applies them,
 * on SQLite files (WAL + synchronous=FULL):
 *   baseline  — ledger only: map → applyBatch (receipts at standard cost, what the cloud did before);
 *   receiving — every pallet on an open ASN of one PO: map → prepareDocument (match, store the plan)
 *               → applyBatch (receipts at PO price) → commit (PO lines, ASN cases).
 * Bounded by PALLETS and by TIME_MAX_MS per run.
 *
 *   node --import tsx scripts/bench/receiving.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../shared/src/clock.js';
import { buildEpcisDocument, type EpcisDocument } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';
import { silentLogger } from '../../shared/src/log.js';
import { mapEpcisDocument } from '../../cloud/src/ingest/epcis-to-transactions.js';
import { buildCatalog } from '../../cloud/src/ledger/catalog.js';
import { sgtinUrn } from '../../cloud/src/ledger/epc-product.js';
import { AsnInputSchema, PurchaseOrderInputSchema, ReceivingConfigSchema } from '../../cloud/src/receiving/schemas.js';
import { ReceivingService } from '../../cloud/src/receiving/service.js';
import { SqliteReceivingStore } from '../../cloud/src/receiving/store/sqlite-store.js';
import { openLedgerStore } from '../../cloud/src/store/open.js';

const PALLETS = 400;
const TIME_MAX_MS = 20_000;
const GTINS = ['00614141073467', '00614141073474', '00614141073481'];
const CASES_PER_GTIN = 4;
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const catalog = buildCatalog({
  products: GTINS.map((gtin) => ({ gtin, valuation: 'fifo' as const, standardCost: '3' })),
});

interface Pallet {
  sscc: string;
  cases: string[];
  document: EpcisDocument;
}

function pallets(count: number): Pallet[] {
  return Array.from({ length: count }, (_, index) => {
    const sscc = `urn:epc:id:sscc:0614141.${String(index + 1).padStart(10, '0')}`;
    const cases = GTINS.flatMap((gtin) =>
      Array.from({ length: CASES_PER_GTIN }, (_unused, each) => sgtinUrn(gtin, 7, `${index * 100 + each}`)),
    );
    const frame = {
      eventTime: new Date(Date.parse('2026-11-25T08:00:00Z') + index * 5_000).toISOString(),
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE' as const,
      bizStep: 'receiving' as const,
      readPoint: { id: 'urn:stockwire:loc:store-1:door-3' },
      bizLocation: { id: BACKROOM },
    };
    const document = buildEpcisDocument(
      [
        withEventId({ type: 'AggregationEvent' as const, ...frame, parentID: sscc, childEPCs: cases }),
        withEventId({ type: 'ObjectEvent' as const, ...frame, epcList: [sscc, ...cases] }),
      ],
      { creationDate: frame.eventTime, gatewayId: 'gw-1' },
    );
    return { sscc, cases, document };
  });
}

async function runBaseline(dir: string, work: readonly Pallet[]): Promise<{ done: number; ms: number }> {
  const ledger = await openLedgerStore({ kind: 'sqlite', path: join(dir, 'baseline.sqlite') }, catalog);
  const start = performance.now();
  let done = 0;
  for (const pallet of work) {
    if (performance.now() - start > TIME_MAX_MS) break;
    await ledger.applyBatch(
      mapEpcisDocument(pallet.document, { siteId: 'store-1', gatewayId: 'gw-1' }, catalog).transactions,
    );
    done++;
  }
  const ms = performance.now() - start;
  await ledger.close();
  return { done, ms };
}

async function runReceiving(dir: string, work: readonly Pallet[]): Promise<{ done: number; ms: number }> {
  const path = join(dir, 'receiving.sqlite');
  const ledger = await openLedgerStore({ kind: 'sqlite', path }, catalog);
  const store = SqliteReceivingStore.open(path);
  const service = new ReceivingService(store, ledger, ReceivingConfigSchema.parse({}), {
    logger: silentLogger(),
    clock: systemClock,
  });
  await service.createPurchaseOrder(
    PurchaseOrderInputSchema.parse({
      id: 'PO-1',
      supplier: 'acme',
      site: 'store-1',
      lines: GTINS.map((gtin) => ({ gtin, qty: String(PALLETS * CASES_PER_GTIN), unitPrice: '2.75' })),
    }),
  );
  for (const [index, pallet] of work.entries())
    await service.createAsn(
      AsnInputSchema.parse({
        id: `ASN-${index}`,
        supplier: 'acme',
        purchaseOrder: 'PO-1',
        site: 'store-1',
        pallets: [{ sscc: pallet.sscc, cases: pallet.cases }],
      }),
    );
  const start = performance.now();
  let done = 0;
  for (const pallet of work) {
    if (performance.now() - start > TIME_MAX_MS) break;
    const mapped = mapEpcisDocument(pallet.document, { siteId: 'store-1', gatewayId: 'gw-1' }, catalog);
    const prepared = await service.prepareDocument(pallet.document, 'store-1', mapped.transactions);
    await prepared.commit(await ledger.applyBatch(prepared.transactions));
    done++;
  }
  const ms = performance.now() - start;
  const grni = (await ledger.trialBalance()).accounts.find((row) => row.account === 'GRNI')?.balance;
  await store.close();
  await ledger.close();
  process.stdout.write(`receiving run: GRNI ${grni} (expected −${(done * 12 * 2.75).toFixed(2)} at PO price)\n`);
  return { done, ms };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stockwire-bench-receiving-'));
  try {
    const work = pallets(PALLETS);
    const baseline = await runBaseline(dir, work);
    const receiving = await runReceiving(dir, work);
    const rate = (result: { done: number; ms: number }) => (result.done / result.ms) * 1000;
    process.stdout.write(
      `baseline (ledger only)         ${baseline.done} pallets in ${baseline.ms.toFixed(0)} ms: ${rate(baseline).toFixed(1)} pallets/s (${(rate(baseline) * 12).toFixed(0)} cases/s)\n` +
        `with ASN + PO matching        ${receiving.done} pallets in ${receiving.ms.toFixed(0)} ms: ${rate(receiving).toFixed(1)} pallets/s (${(rate(receiving) * 12).toFixed(0)} cases/s)\n` +
        `ratio (receiving / baseline)  ${(rate(receiving) / rate(baseline)).toFixed(2)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
