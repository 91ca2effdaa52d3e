import { locationUrn } from '../ledger/catalog.js';
import { formatQuantity } from '../ledger/decimal.js';
import { gtinOfEpcUrn } from '../ledger/epc-product.js';
import { TransactionSchema, type Transaction } from '../ledger/transactions.js';
import { allocateByGtin, lineForGtin, type Allocation } from './purchase-orders.js';
import type { Asn, AsnPallet, PurchaseOrder, ReceivingPolicy } from './schemas.js';

/**
 * Pure matching of one dock-door receipt (the receiving ObjectEvent mapped to a ledger receipt,
 * plus the pallets the door saw in AggregationEvents) against ASNs and purchase orders.
 *
 * | what the door saw                         | booked as                                       | ASN / alert            |
 * |-------------------------------------------|-------------------------------------------------|------------------------|
 * | case read, on the ASN of its pallet       | receipt at the ASN's PO line price               | case `received`        |
 * | case on the ASN, not read (`trustAsn`)    | receipt at PO price, flag `inferred`             | case `inferred`        |
 * | case on the ASN, not read (`countReads`)  | nothing                                          | case `short`, alert    |
 * | case read on an ASN pallet, not on it     | receipt at standard cost (or into quarantine)    | `unexpected`, alert    |
 * | pallet on an ASN for another site         | as a receipt without ASN                         | `misdelivered` alert   |
 * | case on no ASN pallet                     | by GTIN against the site's open POs, oldest first | over-receipt alert     |
 * | … and no open PO has its GTIN             | receipt at standard cost (`no_po_cost`)          | —                      |
 *
 * Each group becomes its own receipt transaction; the first keeps the event's id, the others get
 * `<eventId>:<group>` (the first keeps the event's id). The caller stores the plan before booking it, so a redelivery books the
 * same transactions whatever happened to the POs meanwhile.
 */

type Receipt = Extract<Transaction, { type: 'receipt' }>;

export interface PalletRead {
  sscc: string;
  cases: readonly string[];
}

export interface DockReceiptInput {
  receipt: Receipt;
  site: string;
  palletReads: readonly PalletRead[];
  /** Open ASNs holding any of the read SSCCs, whatever their site. */
  asnsBySscc: ReadonlyMap<string, Asn>;
  /** Every PO named by those ASNs plus the open POs of the site. */
  orders: ReadonlyMap<string, PurchaseOrder>;
  policy: ReceivingPolicy;
}

export type PlanGroupKind = 'matched' | 'inferred' | 'unexpected' | 'unmatched';

export interface PlanLink {
  transactionId: string;
  kind: PlanGroupKind;
  purchaseOrder?: string;
  line?: number;
  asn?: string;
  sscc?: string;
  epcs: string[];
}

export interface CaseUpdate {
  asn: string;
  sscc: string;
  epc: string;
  state: 'received' | 'inferred' | 'short';
  transactionId?: string;
}

export interface CountUpdate {
  asn: string;
  sscc: string;
  gtin: string;
  receivedQty: string;
  inferredQty: string;
  shortQty: string;
}

export type ReceivingAlertKind = 'asn_short' | 'asn_unexpected' | 'asn_misdelivered' | 'po_over_receipt';

export interface ReceivingAlert {
  kind: ReceivingAlertKind;
  site: string;
  asn?: string;
  sscc?: string;
  purchaseOrder?: string;
  epcs?: string[];
  message: string;
}

export interface ReceiptPlan {
  eventId: string;
  transactions: Receipt[];
  links: PlanLink[];
  caseUpdates: CaseUpdate[];
  countUpdates: CountUpdate[];
  arrivedPallets: { asn: string; sscc: string }[];
  alerts: ReceivingAlert[];
}

interface Group {
  key: string;
  kind: PlanGroupKind;
  location: string;
  epcs: string[];
  product?: string;
  qty?: bigint;
  allocation?: Allocation;
  asn?: string;
  sscc?: string;
}

export function planDockReceipt(input: DockReceiptInput): ReceiptPlan {
  const groups: Group[] = [];
  const plan: ReceiptPlan = {
    eventId: input.receipt.id,
    transactions: [],
    links: [],
    caseUpdates: [],
    countUpdates: [],
    arrivedPallets: [],
    alerts: [],
  };
  const receiptEpcs = new Set(input.receipt.epcs ?? []);
  const handled = new Set<string>();
  for (const pallet of input.palletReads) {
    const asn = input.asnsBySscc.get(pallet.sscc);
    if (!asn) continue;
    if (asn.site !== input.site) {
      plan.alerts.push({
        kind: 'asn_misdelivered',
        site: input.site,
        asn: asn.id,
        sscc: pallet.sscc,
        message: `pallet ${pallet.sscc} of ASN ${asn.id} is for ${asn.site} but arrived at ${input.site}`,
      });
      continue;
    }
    const onReceipt = pallet.cases.filter((epc) => receiptEpcs.has(epc));
    for (const epc of onReceipt) handled.add(epc);
    matchPallet(input, asn, pallet.sscc, onReceipt, groups, plan);
  }
  const loose = [...receiptEpcs].filter((epc) => !handled.has(epc) && gtinOfEpcUrn(epc) !== undefined);
  matchLoose(input, loose, groups);
  return finishPlan(input, groups, plan);
}

function matchPallet(
  input: DockReceiptInput,
  asn: Asn,
  sscc: string,
  readCases: readonly string[],
  groups: Group[],
  plan: ReceiptPlan,
): void {
  const pallet = asn.pallets.find((each) => each.sscc === sscc) as AsnPallet;
  plan.arrivedPallets.push({ asn: asn.id, sscc });
  const order = input.orders.get(asn.purchaseOrder);
  const location = input.receipt.location;
  if (pallet.counts.length > 0) return matchCountPallet(input, asn, pallet, readCases, order, groups, plan);
  const expected = new Map(pallet.cases.map((each) => [each.epc, each] as const));
  const read = new Set(readCases);
  for (const epc of readCases) {
    const listed = expected.get(epc);
    const gtin = gtinOfEpcUrn(epc);
    if (gtin === undefined) continue;
    if (!listed) {
      addEpc(groups, unexpectedGroup(input, asn, sscc), epc);
      continue;
    }
    addEpc(groups, pricedGroup('matched', asn, sscc, order, gtin, location), epc);
    plan.caseUpdates.push({ asn: asn.id, sscc, epc, state: 'received' });
  }
  const unread = pallet.cases.filter((each) => each.state === 'expected' && !read.has(each.epc));
  for (const each of unread) {
    if (input.policy.unreadCases === 'trustAsn') {
      addEpc(groups, pricedGroup('inferred', asn, sscc, order, each.gtin, location), each.epc);
      plan.caseUpdates.push({ asn: asn.id, sscc, epc: each.epc, state: 'inferred' });
    } else plan.caseUpdates.push({ asn: asn.id, sscc, epc: each.epc, state: 'short' });
  }
  const unexpected = readCases.filter((epc) => !expected.has(epc) && gtinOfEpcUrn(epc) !== undefined);
  if (unexpected.length > 0)
    plan.alerts.push({
      kind: 'asn_unexpected',
      site: asn.site,
      asn: asn.id,
      sscc,
      epcs: unexpected,
      message: `${unexpected.length} case(s) on pallet ${sscc} are not on ASN ${asn.id}`,
    });
  if (input.policy.unreadCases === 'countReads' && unread.length > 0)
    plan.alerts.push({
      kind: 'asn_short',
      site: asn.site,
      asn: asn.id,
      sscc,
      epcs: unread.map((each) => each.epc),
      message: `${unread.length} case(s) of pallet ${sscc} on ASN ${asn.id} were not read`,
    });
}

/** A GTIN-count pallet: reads per GTIN against the counts; extra reads are unexpected, missing ones inferred or short. */
function matchCountPallet(
  input: DockReceiptInput,
  asn: Asn,
  pallet: AsnPallet,
  readCases: readonly string[],
  order: PurchaseOrder | undefined,
  groups: Group[],
  plan: ReceiptPlan,
): void {
  const location = input.receipt.location;
  const readByGtin = new Map<string, string[]>();
  for (const epc of readCases) {
    const gtin = gtinOfEpcUrn(epc);
    if (gtin === undefined) continue;
    readByGtin.set(gtin, [...(readByGtin.get(gtin) ?? []), epc]);
  }
  const unexpected: string[] = [];
  for (const [gtin, epcs] of readByGtin)
    if (!pallet.counts.some((count) => count.gtin === gtin)) unexpected.push(...epcs);
  for (const count of pallet.counts) {
    const expectedUnits = Number(count.expectedQty);
    const read = readByGtin.get(count.gtin) ?? [];
    const matched = read.slice(0, expectedUnits);
    unexpected.push(...read.slice(expectedUnits));
    for (const epc of matched)
      addEpc(groups, pricedGroup('matched', asn, pallet.sscc, order, count.gtin, location), epc);
    const missing = BigInt(Math.max(expectedUnits - read.length, 0));
    const trust = input.policy.unreadCases === 'trustAsn';
    if (missing > 0n && trust) {
      const group = pricedGroup('inferred', asn, pallet.sscc, order, count.gtin, location);
      groups.push({ ...group, key: `${group.key}:qty`, product: count.gtin, qty: missing * 1000n });
    }
    plan.countUpdates.push({
      asn: asn.id,
      sscc: pallet.sscc,
      gtin: count.gtin,
      receivedQty: String(matched.length),
      inferredQty: trust ? formatQuantity(missing * 1000n) : '0',
      shortQty: trust ? '0' : formatQuantity(missing * 1000n),
    });
    if (missing > 0n && !trust)
      plan.alerts.push({
        kind: 'asn_short',
        site: asn.site,
        asn: asn.id,
        sscc: pallet.sscc,
        message: `${missing} unit(s) of ${count.gtin} on pallet ${pallet.sscc} (ASN ${asn.id}) were not read`,
      });
  }
  for (const epc of unexpected) addEpc(groups, unexpectedGroup(input, asn, pallet.sscc), epc);
  if (unexpected.length > 0)
    plan.alerts.push({
      kind: 'asn_unexpected',
      site: asn.site,
      asn: asn.id,
      sscc: pallet.sscc,
      epcs: unexpected,
      message: `${unexpected.length} case(s) on pallet ${pallet.sscc} are beyond ASN ${asn.id}`,
    });
}

function matchLoose(input: DockReceiptInput, epcs: readonly string[], groups: Group[]): void {
  const byGtin = new Map<string, string[]>();
  for (const epc of epcs) {
    const gtin = gtinOfEpcUrn(epc) as string;
    byGtin.set(gtin, [...(byGtin.get(gtin) ?? []), epc]);
  }
  const siteOrders = [...input.orders.values()].filter((order) => order.site === input.site);
  for (const [gtin, list] of byGtin) {
    const allocations = allocateByGtin(siteOrders, gtin, BigInt(list.length) * 1000n);
    let next = 0;
    for (const allocation of allocations) {
      const count = Number(allocation.qty / 1000n);
      const key = `po:${allocation.purchaseOrder}:${allocation.line}`;
      const group = findOrAdd(groups, { key, kind: 'matched', location: input.receipt.location, epcs: [], allocation });
      group.epcs.push(...list.slice(next, next + count));
      next += count;
    }
    if (next < list.length) {
      const group = findOrAdd(groups, { key: 'no-po', kind: 'unmatched', location: input.receipt.location, epcs: [] });
      group.epcs.push(...list.slice(next));
    }
  }
}

function pricedGroup(
  kind: 'matched' | 'inferred',
  asn: Asn,
  sscc: string,
  order: PurchaseOrder | undefined,
  gtin: string,
  location: string,
): Group {
  const line = order ? lineForGtin(order, gtin) : undefined;
  const allocation: Allocation | undefined =
    order && line ? { purchaseOrder: order.id, line: line.line, unitPrice: line.unitPrice, qty: 0n } : undefined;
  const suffix = allocation ? `po:${allocation.purchaseOrder}:${allocation.line}` : `no-po:${gtin}`;
  return {
    key: kind === 'inferred' ? `inferred:${suffix}` : suffix,
    kind: allocation ? kind : kind === 'matched' ? 'unmatched' : kind,
    location,
    epcs: [],
    asn: asn.id,
    sscc,
    ...(allocation ? { allocation } : {}),
  };
}

function unexpectedGroup(input: DockReceiptInput, asn: Asn, sscc: string): Group {
  const location =
    input.policy.unexpectedCases === 'quarantine'
      ? (input.policy.quarantineLocation ?? locationUrn(asn.site, 'quarantine'))
      : input.receipt.location;
  return { key: 'unexpected', kind: 'unexpected', location, epcs: [], asn: asn.id, sscc };
}

function findOrAdd(groups: Group[], group: Group): Group {
  const existing = groups.find((each) => each.key === group.key);
  if (existing) return existing;
  groups.push(group);
  return group;
}

function addEpc(groups: Group[], group: Group, epc: string): void {
  findOrAdd(groups, group).epcs.push(epc);
}

function finishPlan(input: DockReceiptInput, groups: Group[], plan: ReceiptPlan): ReceiptPlan {
  const booked = groups.filter((group) => group.epcs.length > 0 || (group.qty ?? 0n) > 0n);
  const transactionOfEpc = new Map<string, string>();
  for (const group of booked) {
    // The first keeps the event's id, so a message reusing that id with other content still conflicts in the ledger.
    const transactionId = group === booked[0] ? input.receipt.id : `${input.receipt.id}:${group.key}`;
    plan.transactions.push(receiptOf(input.receipt, group, transactionId));
    plan.links.push({
      transactionId,
      kind: group.kind,
      epcs: group.epcs,
      ...(group.allocation ? { purchaseOrder: group.allocation.purchaseOrder, line: group.allocation.line } : {}),
      ...(group.asn === undefined ? {} : { asn: group.asn }),
      ...(group.sscc === undefined ? {} : { sscc: group.sscc }),
    });
    for (const epc of group.epcs) transactionOfEpc.set(epc, transactionId);
  }
  for (const update of plan.caseUpdates) {
    const transactionId = transactionOfEpc.get(update.epc);
    if (transactionId !== undefined) update.transactionId = transactionId;
  }
  return plan;
}

function receiptOf(receipt: Receipt, group: Group, transactionId: string): Receipt {
  const flags = [...(receipt.flags ?? []).filter((flag) => flag !== 'no_po_cost')];
  if (group.kind === 'inferred') flags.push('inferred');
  if (group.kind === 'unexpected') flags.push('unexpected');
  const {
    epcs: _epcs,
    qty: _qty,
    product: _product,
    unitCost: _unitCost,
    poReference: _po,
    flags: _flags,
    ...rest
  } = receipt;
  const parsed = TransactionSchema.parse({
    ...rest,
    id: transactionId,
    location: group.location,
    ...(group.qty === undefined ? { epcs: group.epcs } : { product: group.product, qty: formatQuantity(group.qty) }),
    ...(group.allocation ? { unitCost: group.allocation.unitPrice, poReference: group.allocation.purchaseOrder } : {}),
    ...(flags.length > 0 ? { flags } : {}),
  });
  return parsed as Receipt;
}
