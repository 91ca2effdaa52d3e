import { formatQuantity } from '../ledger/decimal.js';
import { gtinOfEpcUrn } from '../ledger/epc-product.js';
import type { ReceiptPlan } from './dock-matching.js';
import { qty } from './purchase-orders.js';
import type { Asn, AsnCase, AsnInput, AsnPallet, CaseState, UnexpectedCase } from './schemas.js';

/** ASNs, pure: creation from the API body, applying a stored receipt plan, open discrepancies, closing. */

export function createAsn(input: AsnInput, source: Asn['source']): Asn {
  return {
    id: input.id,
    supplier: input.supplier,
    purchaseOrder: input.purchaseOrder,
    site: input.site,
    ...(input.expectedAt === undefined ? {} : { expectedAt: input.expectedAt }),
    source,
    status: 'open',
    pallets: input.pallets.map((pallet): AsnPallet => ({
      sscc: pallet.sscc,
      arrived: false,
      cases: (pallet.cases ?? []).map((epc): AsnCase => ({ epc, gtin: gtinOfEpcUrn(epc) ?? '', state: 'expected' })),
      counts: (pallet.counts ?? []).map((count) => ({
        gtin: count.gtin,
        expectedQty: formatQuantity(qty(count.qty)),
        receivedQty: '0',
        inferredQty: '0',
        shortQty: '0',
        claimedQty: '0',
      })),
    })),
    unexpected: [],
    resolutions: [],
  };
}

/** Applies what a committed receipt plan did to this ASN (the plan's ledger results decided what was booked). */
export function applyPlanToAsn(asn: Asn, plan: ReceiptPlan, location: string): Asn {
  const arrived = new Set(plan.arrivedPallets.filter((each) => each.asn === asn.id).map((each) => each.sscc));
  const caseStates = new Map(
    plan.caseUpdates.filter((update) => update.asn === asn.id).map((update) => [update.epc, update] as const),
  );
  const pallets = asn.pallets.map((pallet): AsnPallet => {
    if (!arrived.has(pallet.sscc)) return pallet;
    const cases = pallet.cases.map((each): AsnCase => {
      const update = caseStates.get(each.epc);
      if (!update || (each.state === 'received' && update.state !== 'received')) return each;
      return {
        ...each,
        state: update.state,
        ...(update.transactionId === undefined ? {} : { transactionId: update.transactionId }),
      };
    });
    const counts = pallet.counts.map((count) => {
      const update = plan.countUpdates.find(
        (each) => each.asn === asn.id && each.sscc === pallet.sscc && each.gtin === count.gtin,
      );
      return update
        ? { ...count, receivedQty: update.receivedQty, inferredQty: update.inferredQty, shortQty: update.shortQty }
        : count;
    });
    return { ...pallet, arrived: true, cases, counts };
  });
  const known = new Set(asn.unexpected.map((each) => each.epc));
  const unexpected: UnexpectedCase[] = [...asn.unexpected];
  for (const link of plan.links)
    if (link.kind === 'unexpected' && link.asn === asn.id)
      for (const epc of link.epcs)
        if (!known.has(epc))
          unexpected.push({
            epc,
            gtin: gtinOfEpcUrn(epc) ?? '',
            sscc: link.sscc ?? '',
            location: plan.transactions.find((each) => each.id === link.transactionId)?.location ?? location,
            state: 'open',
            transactionId: link.transactionId,
          });
  return withStatus({ ...asn, pallets, unexpected });
}

/** A reader saw EPCs the ASN had inferred: they are received now. */
export function markSeen(asn: Asn, epcs: ReadonlySet<string>): Asn {
  let changed = false;
  const pallets = asn.pallets.map((pallet) => ({
    ...pallet,
    cases: pallet.cases.map((each) => {
      if (each.state !== 'inferred' || !epcs.has(each.epc)) return each;
      changed = true;
      return { ...each, state: 'received' as CaseState };
    }),
  }));
  return changed ? { ...asn, pallets } : asn;
}

export interface AsnSummary {
  expected: number;
  received: number;
  inferred: number;
  short: number;
  claimed: number;
  found: number;
  unexpectedOpen: number;
  palletsArrived: number;
  palletsExpected: number;
}

export function summariseAsn(asn: Asn): AsnSummary {
  const summary: AsnSummary = {
    expected: 0,
    received: 0,
    inferred: 0,
    short: 0,
    claimed: 0,
    found: 0,
    unexpectedOpen: asn.unexpected.filter((each) => each.state === 'open').length,
    palletsArrived: asn.pallets.filter((pallet) => pallet.arrived).length,
    palletsExpected: asn.pallets.length,
  };
  for (const pallet of asn.pallets) {
    for (const each of pallet.cases) summary[each.state]++;
    for (const count of pallet.counts) {
      summary.received += Number(count.receivedQty);
      summary.inferred += Number(count.inferredQty);
      summary.short += Number(count.shortQty) - Number(count.claimedQty);
      summary.claimed += Number(count.claimedQty);
      if (!pallet.arrived) summary.expected += Number(count.expectedQty);
    }
  }
  return summary;
}

/** Open: a pallet has not arrived, a case is short, or an unexpected case waits for a decision. */
export function hasOpenItems(asn: Asn): boolean {
  const summary = summariseAsn(asn);
  return summary.palletsArrived < summary.palletsExpected || summary.short > 0 || summary.unexpectedOpen > 0;
}

export function withStatus(asn: Asn): Asn {
  return { ...asn, status: hasOpenItems(asn) ? 'open' : 'closed' };
}

/** Cases of the ASN in one state, optionally only the listed EPCs. */
export function casesIn(
  asn: Asn,
  states: readonly CaseState[],
  epcs?: readonly string[],
): { sscc: string; item: AsnCase }[] {
  const wanted = epcs === undefined ? undefined : new Set(epcs);
  return asn.pallets.flatMap((pallet) =>
    pallet.cases
      .filter((each) => states.includes(each.state) && (wanted === undefined || wanted.has(each.epc)))
      .map((item) => ({ sscc: pallet.sscc, item })),
  );
}

export function setCaseStates(asn: Asn, epcs: ReadonlySet<string>, state: CaseState, transactionId?: string): Asn {
  const pallets = asn.pallets.map((pallet) => ({
    ...pallet,
    cases: pallet.cases.map((each) =>
      epcs.has(each.epc) ? { ...each, state, ...(transactionId === undefined ? {} : { transactionId }) } : each,
    ),
  }));
  return { ...asn, pallets };
}
