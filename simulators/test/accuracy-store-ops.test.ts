import { describe, expect, it } from 'vitest';
import type { TruthRecord } from '../../shared/src/contracts/truth.js';
import { tillSales, zoneCounts } from '../src/accuracy/store-ops.js';

const floor = 'urn:stockwire:loc:store-1:sales-floor';
const shelf = 'urn:stockwire:loc:store-1:shelf-b2';
const epc = (serial: number) => `urn:epc:id:sgtin:0614141.020001.${serial}`;
const record = (time: string, event: TruthRecord['event'], serial: number, location: string | null): TruthRecord => ({
  time: `2026-03-02T08:${time}Z`,
  event,
  epc: epc(serial),
  product: '00614141200016',
  location,
});

describe('till sales from the truth', () => {
  it('sells a paid item by its EPC, or by barcode when its tag never answers', () => {
    const truth = [record('01:00.000', 'pay', 1, null), record('02:00.000', 'pay', 2, null)];
    const sales = tillSales(truth, new Map([[epc(2), Number.POSITIVE_INFINITY]]), {
      site: 'store-1',
      unitPrice: '2.50',
    });
    expect(sales.map((sale) => (sale.kind === 'pos' ? sale.pos.lines[0] : undefined))).toEqual([
      { epc: epc(1), qty: '1', unitPrice: '2.50' },
      { gtin: '00614141200016', qty: '1', unitPrice: '2.50' },
    ]);
    expect(sales[0]?.kind === 'pos' && sales[0].pos.tender).toEqual([{ kind: 'card', amount: '2.50' }]);
  });
});

describe('POS scan errors', () => {
  it('ring a share of lines up as another product', () => {
    const truth = Array.from({ length: 200 }, (_, index) => record('01:00.000', 'pay', index + 1, null));
    const sales = tillSales(truth, new Map(), {
      site: 'store-1',
      unitPrice: '2.50',
      scanErrorShare: 0.1,
      products: ['00614141200016', '00614141200023'],
      seed: 3,
    });
    const lines = sales.map((sale) => (sale.kind === 'pos' ? sale.pos.lines[0] : undefined));
    const wrong = lines.filter((line) => line?.gtin === '00614141200023').length;
    expect(wrong).toBeGreaterThan(5);
    expect(wrong).toBeLessThan(40);
    expect(lines.filter((line) => line?.epc !== undefined)).toHaveLength(200 - wrong);
  });
});

describe('sales-floor sweeps', () => {
  it('count the readable items in shoppers hands at each sweep', () => {
    const truth = [
      record('00:10.000', 'shelve', 1, shelf),
      record('00:20.000', 'take', 1, floor),
      record('00:30.000', 'take', 2, floor),
      record('00:40.000', 'take', 3, floor),
      record('00:40.000', 'steal', 3, null),
      record('06:00.000', 'pay', 1, null),
    ];
    const startMs = Date.parse('2026-03-02T08:00:00Z');
    const counts = zoneCounts(
      truth,
      new Map([[epc(2), Number.POSITIVE_INFINITY]]),
      { site: 'store-1', zone: 'sales-floor' },
      {
        startMs,
        endMs: startMs + 600_000,
        intervalMs: 300_000,
      },
    );
    expect(counts.map((count) => (count.kind === 'zone-count' ? count.event.epcList : []))).toEqual([[epc(1)], []]);
    expect(counts.map((count) => count.timeMs - startMs)).toEqual([300_000, 600_000]);
  });
});
