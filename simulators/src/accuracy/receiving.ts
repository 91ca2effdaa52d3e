import { systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import type { LedgerStore } from '../../../cloud/src/store/ledger-store.js';
import { ReceivingService } from '../../../cloud/src/receiving/service.js';
import {
  AsnInputSchema,
  PurchaseOrderInputSchema,
  ReceivingConfigSchema,
} from '../../../cloud/src/receiving/schemas.js';
import { openReceivingStore } from '../../../cloud/src/receiving/store/open.js';
import type { Delivery } from '../reads-jsonl.js';
import type { PrepareDocument } from './feed.js';

/**
 * The supplier side of a run with ASNs: one purchase order and one ASN per inbound pallet, listing
 * every case the supplier says it loaded (a short-shipped case too: the ASN is what was promised).
 * Dock receipts then go through the cloud's real receiving code (ReceivingService.prepareDocument,
 * the consumer's hook), which matches the door's reads against the ASN; `trustAsn` books an ASN case
 * the door did not read as received (`inferred`), `countReads` books only what was read.
 */

export const SUPPLIER = 'dc-1';

export interface AsnReceiving {
  prepareDocument: PrepareDocument;
  /**
   * Receiving's exception list as the associate sees it right after each dock receipt: the ASN cases
   * the door did not read (`inferred` under trustAsn, `short` under countReads). The store's re-tagging
   * works from this list (simulators/src/scenario/retagging.ts).
   */
  unreadAtDoor(): ReadonlySet<string>;
  close(): Promise<void>;
}

const UNREAD_STATES: ReadonlySet<string> = new Set(['inferred', 'short']);

export async function openAsnReceiving(
  deliveries: readonly Delivery[],
  deps: { ledger: LedgerStore; site: string; unitCost: string; trustAsn: boolean },
): Promise<AsnReceiving> {
  const store = await openReceivingStore({ kind: 'memory' });
  const config = ReceivingConfigSchema.parse({ policy: { unreadCases: deps.trustAsn ? 'trustAsn' : 'countReads' } });
  const service = new ReceivingService(store, deps.ledger, config, { logger: silentLogger(), clock: systemClock });
  try {
    for (const [index, delivery] of deliveries.entries()) {
      const perGtin = new Map<string, number>();
      for (const each of delivery.cases) perGtin.set(each.gtin, (perGtin.get(each.gtin) ?? 0) + 1);
      const id = String(index + 1).padStart(4, '0');
      await service.createPurchaseOrder(
        PurchaseOrderInputSchema.parse({
          id: `PO-${id}`,
          supplier: SUPPLIER,
          site: deps.site,
          lines: [...perGtin].map(([gtin, qty]) => ({ gtin, qty: String(qty), unitPrice: deps.unitCost })),
        }),
      );
      await service.createAsn(
        AsnInputSchema.parse({
          id: `ASN-${id}`,
          supplier: SUPPLIER,
          purchaseOrder: `PO-${id}`,
          site: deps.site,
          expectedAt: new Date(delivery.timeMs).toISOString(),
          pallets: [{ sscc: delivery.sscc, cases: delivery.cases.map((each) => each.uri) }],
        }),
      );
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  const unread = new Set<string>();
  const noteUnread = async (): Promise<void> => {
    for (const asn of await service.asns({ site: deps.site }))
      for (const pallet of asn.pallets)
        for (const each of pallet.cases) if (UNREAD_STATES.has(each.state)) unread.add(each.epc);
  };
  return {
    prepareDocument: async (document, siteId, transactions) => {
      const prepared = await service.prepareDocument(document, siteId, transactions);
      if (!document.epcisBody.eventList.some((event) => event.bizStep === 'receiving')) return prepared;
      return {
        transactions: prepared.transactions,
        commit: async (results) => {
          await prepared.commit(results);
          await noteUnread();
        },
      };
    },
    unreadAtDoor: () => unread,
    close: () => store.close(),
  };
}
