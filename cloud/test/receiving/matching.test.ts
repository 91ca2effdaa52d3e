import { describe, expect, it } from 'vitest';
import { planDockReceipt, type DockReceiptInput } from '../../src/receiving/dock-matching.js';
import { allocateByGtin } from '../../src/receiving/purchase-orders.js';
import { ReceivingPolicySchema, type Asn, type PurchaseOrder } from '../../src/receiving/schemas.js';
import { asn, dockReceipt, purchaseOrder, SOAP, soap, sscc, TOWEL, towel } from './fixtures.js';

const PO = purchaseOrder('PO-1', [
  { gtin: SOAP, qty: '10', unitPrice: '2.5' },
  { gtin: TOWEL, qty: '4', unitPrice: '7' },
]);
const PALLET = sscc(1);
const ASN = asn('ASN-1', 'PO-1', [{ sscc: PALLET, cases: [soap(1), soap(2), soap(3), towel(1)] }]);

function plan(
  reads: { epcs: string[]; pallet?: string[] },
  options: { policy?: object; asns?: Asn[]; orders?: PurchaseOrder[]; site?: string } = {},
) {
  const asns = options.asns ?? [ASN];
  const input: DockReceiptInput = {
    receipt: dockReceipt('ev-1', reads.epcs),
    site: options.site ?? 'store-1',
    palletReads: reads.pallet ? [{ sscc: PALLET, cases: reads.pallet }] : [],
    asnsBySscc: new Map(asns.flatMap((each) => each.pallets.map((pallet) => [pallet.sscc, each] as const))),
    orders: new Map((options.orders ?? [PO]).map((order) => [order.id, order])),
    policy: ReceivingPolicySchema.parse(options.policy ?? {}),
  };
  return planDockReceipt(input);
}

/** One row per transaction: kind, PO line, unit cost, location zone, EPC count or qty, flags. */
const booked = (result: ReturnType<typeof plan>) =>
  result.transactions.map((transaction, index) => ({
    id: transaction.id,
    kind: result.links[index]?.kind,
    line: result.links[index]?.line,
    unitCost: transaction.unitCost,
    zone: transaction.location.split(':').at(-1),
    items: transaction.epcs?.length ?? transaction.qty,
    flags: transaction.flags,
  }));

/** Rows of `booked`: soap cases matched to PO line 1, the towel case to line 2, one case nobody announced. */
const soapMatched = (items: number) => ({
  id: 'ev-1',
  kind: 'matched',
  line: 1,
  unitCost: '2.5',
  zone: 'backroom',
  items,
  flags: undefined,
});
const TOWEL_MATCHED = { ...soapMatched(1), id: 'ev-1:po:PO-1:2', line: 2, unitCost: '7' };
const unexpectedCase = (zone: string) => ({
  id: 'ev-1:unexpected',
  kind: 'unexpected',
  line: undefined,
  unitCost: undefined,
  zone,
  items: 1,
  flags: ['unexpected'],
});

describe('dock-door matching against ASNs and POs', () => {
  it.each([
    {
      name: 'every case read and on the ASN: received at the PO line prices',
      reads: { epcs: [soap(1), soap(2), soap(3), towel(1)], pallet: [soap(1), soap(2), soap(3), towel(1)] },
      expected: [soapMatched(3), TOWEL_MATCHED],
      alerts: [],
    },
    {
      name: 'a case on the ASN not read, trustAsn: received by aggregation, inferred',
      reads: { epcs: [soap(1), soap(2), towel(1)], pallet: [soap(1), soap(2), towel(1)] },
      expected: [
        soapMatched(2),
        TOWEL_MATCHED,
        {
          id: 'ev-1:inferred:po:PO-1:1',
          kind: 'inferred',
          line: 1,
          unitCost: '2.5',
          zone: 'backroom',
          items: 1,
          flags: ['inferred'],
        },
      ],
      alerts: [],
    },
    {
      name: 'a case on the ASN not read, countReads: short with an alert, nothing booked for it',
      policy: { unreadCases: 'countReads' },
      reads: { epcs: [soap(1), soap(2), soap(3)], pallet: [soap(1), soap(2), soap(3)] },
      expected: [soapMatched(3)],
      alerts: ['asn_short'],
    },
    {
      name: 'a case read but not on the ASN: unexpected at standard cost, alert',
      reads: {
        epcs: [soap(1), soap(2), soap(3), towel(1), towel(9)],
        pallet: [soap(1), soap(2), soap(3), towel(1), towel(9)],
      },
      expected: [soapMatched(3), TOWEL_MATCHED, unexpectedCase('backroom')],
      alerts: ['asn_unexpected'],
    },
    {
      name: 'unexpected case under the quarantine policy: booked into quarantine',
      policy: { unexpectedCases: 'quarantine' },
      reads: {
        epcs: [soap(1), soap(2), soap(3), towel(1), towel(9)],
        pallet: [soap(1), soap(2), soap(3), towel(1), towel(9)],
      },
      expected: [soapMatched(3), TOWEL_MATCHED, unexpectedCase('quarantine')],
      alerts: ['asn_unexpected'],
    },
    {
      name: 'pallet of an ASN for another site: misdelivery alert, cases matched by GTIN at this site',
      site: 'store-1',
      asns: [asn('ASN-9', 'PO-1', [{ sscc: sscc(1), cases: [soap(1)] }], 'store-2')],
      reads: { epcs: [soap(1)], pallet: [soap(1)] },
      expected: [soapMatched(1)],
      alerts: ['asn_misdelivered'],
    },
    {
      name: "no ASN and no PO with the GTIN: standard cost (no_po_cost is the ledger's flag)",
      orders: [purchaseOrder('PO-2', [{ gtin: TOWEL, qty: '1', unitPrice: '7' }])],
      asns: [],
      reads: { epcs: [soap(5)] },
      expected: [
        {
          id: 'ev-1',
          kind: 'unmatched',
          line: undefined,
          unitCost: undefined,
          zone: 'backroom',
          items: 1,
          flags: undefined,
        },
      ],
      alerts: [],
    },
  ])('$name', ({ reads, policy, asns, orders, site, expected, alerts }) => {
    const result = plan(reads, {
      ...(policy ? { policy } : {}),
      ...(asns ? { asns } : {}),
      ...(orders ? { orders } : {}),
      ...(site ? { site } : {}),
    });
    expect(booked(result)).toEqual(expected);
    expect(result.alerts.map((alert) => alert.kind)).toEqual(alerts);
  });

  it('marks each listed case received, inferred or short by policy', () => {
    const trust = plan({ epcs: [soap(1)], pallet: [soap(1)] });
    expect(trust.caseUpdates.map((each) => [each.epc, each.state])).toEqual([
      [soap(1), 'received'],
      [soap(2), 'inferred'],
      [soap(3), 'inferred'],
      [towel(1), 'inferred'],
    ]);
    const count = plan({ epcs: [soap(1)], pallet: [soap(1)] }, { policy: { unreadCases: 'countReads' } });
    expect(count.caseUpdates.filter((each) => each.state === 'short')).toHaveLength(3);
  });

  it('GTIN-count pallets: matched up to the count, extra reads unexpected, missing units inferred by quantity', () => {
    const counted = asn('ASN-C', 'PO-1', [{ sscc: PALLET, counts: [{ gtin: SOAP, qty: '3' }] }]);
    const result = plan(
      { epcs: [soap(1), soap(2), towel(4)], pallet: [soap(1), soap(2), towel(4)] },
      { asns: [counted] },
    );
    expect(booked(result)).toEqual([
      soapMatched(2),
      {
        id: 'ev-1:inferred:po:PO-1:1:qty',
        kind: 'inferred',
        line: 1,
        unitCost: '2.5',
        zone: 'backroom',
        items: '1',
        flags: ['inferred'],
      },
      unexpectedCase('backroom'),
    ]);
    expect(result.countUpdates).toEqual([
      { asn: 'ASN-C', sscc: PALLET, gtin: SOAP, receivedQty: '2', inferredQty: '1', shortQty: '0' },
    ]);
  });
});

describe('receipts without an ASN: by GTIN, oldest PO first', () => {
  const older = purchaseOrder('PO-A', [{ gtin: SOAP, qty: '2', unitPrice: '2' }], {
    orderedAt: '2026-11-01T00:00:00Z',
  });
  const newer = purchaseOrder('PO-B', [{ gtin: SOAP, qty: '5', unitPrice: '3' }], {
    orderedAt: '2026-11-10T00:00:00Z',
  });

  it.each([
    { name: 'fits the oldest', units: 2n, expected: [['PO-A', 2n]] },
    {
      name: 'spills over to the next',
      units: 4n,
      expected: [
        ['PO-A', 2n],
        ['PO-B', 2n],
      ],
    },
    {
      name: 'beyond every order: the rest on the newest (over-receipt)',
      units: 9n,
      expected: [
        ['PO-A', 2n],
        ['PO-B', 7n],
      ],
    },
  ])('$name', ({ units, expected }) => {
    const allocations = allocateByGtin([newer, older], SOAP, units * 1000n);
    expect(allocations.map((each) => [each.purchaseOrder, each.qty / 1000n])).toEqual(expected);
  });

  it('splits a dock receipt into one receipt per PO line at each price', () => {
    const result = plan({ epcs: [soap(1), soap(2), soap(3)] }, { asns: [], orders: [newer, older] });
    expect(booked(result).map((row) => [row.id, row.unitCost, row.items])).toEqual([
      ['ev-1', '2', 2],
      ['ev-1:po:PO-B:1', '3', 1],
    ]);
  });

  it('ignores closed and cancelled orders', () => {
    const closed = { ...older, status: 'closed' as const };
    expect(allocateByGtin([closed], SOAP, 1000n)).toEqual([]);
  });
});
