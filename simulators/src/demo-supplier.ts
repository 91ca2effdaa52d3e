import type { Clock, TimerHandle } from '../../shared/src/clock.js';
import { errorMessage } from '../../shared/src/errors.js';
import type { Logger } from '../../shared/src/log.js';
import { generateScenarioRun } from './scenario/engine.js';
import type { Scenario } from './scenario/schema.js';

/**
 * The demo's supplier: one purchase order for the dock-door scenario's products, then before each
 * truck (loop k of the scenario, whose pallet and case serials are deterministic) the ASN as EPCIS
 * events — a packing AggregationEvent (SSCC → cases) and a shipping ObjectEvent naming the site and
 * the PO — posted to the cloud like a real supplier would. Now and then it gets the ASN wrong: one
 * pallet lists a case that is not on the truck (short), another leaves out one that is (unexpected).
 * Every `invoiceEveryLoops` trucks it invoices what was received, a little above the PO price (PPV).
 */
export interface DemoSupplierOptions {
  apiUrl: string;
  token: string;
  scenario: Readonly<Scenario>;
  site: string;
  /** Trucks announced ahead of the door (the gateway may run a little ahead of our timer). */
  lookaheadLoops: number;
  shortEveryLoops: number;
  unexpectedEveryLoops: number;
  invoiceEveryLoops: number;
}

export const DEMO_PURCHASE_ORDER = 'PO-DEMO-1';

export class DemoSupplier {
  private nextLoop = 0;
  private timer: TimerHandle | null = null;
  private invoices = 0;

  constructor(
    private readonly options: DemoSupplierOptions,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {}

  /** Places the PO and announces the first trucks; then one more each scenario loop. */
  async start(prices: Readonly<Record<string, string>>): Promise<void> {
    await this.post('/purchase-orders', {
      id: DEMO_PURCHASE_ORDER,
      supplier: 'acme-beverages',
      site: this.options.site,
      lines: Object.entries(prices).map(([gtin, unitPrice]) => ({
        gtin,
        qty: '100000',
        unitPrice,
        tolerancePercent: 0,
      })),
    });
    while (this.nextLoop < this.options.lookaheadLoops) await this.announce(this.nextLoop++);
    this.timer = this.deps.clock.setInterval(() => void this.tick(), this.options.scenario.durationSeconds * 1000);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private async tick(): Promise<void> {
    try {
      await this.announce(this.nextLoop++);
      if (this.nextLoop % this.options.invoiceEveryLoops === 0) await this.invoice();
    } catch (error) {
      this.deps.logger.warn({ err: errorMessage(error) }, 'demo supplier: request failed');
    }
  }

  /** The ASN of loop k's pallet, as the supplier's EPCIS packing + shipping events. */
  async announce(loopIndex: number): Promise<void> {
    const run = generateScenarioRun(this.options.scenario, { loopIndex });
    for (const movement of run.expected) {
      if (movement.kind !== 'portal' || movement.direction !== 'inbound' || !movement.parentUri) continue;
      const cases = [...movement.uris];
      if (loopIndex > 0 && loopIndex % this.options.unexpectedEveryLoops === 0) cases.pop();
      if (loopIndex > 0 && loopIndex % this.options.shortEveryLoops === 0)
        cases.push(cases[0]!.replace(/\.(\d+)$/, (_whole, serial: string) => `.${Number(serial) + 900_000}`));
      const eventTime = new Date(this.deps.clock.nowMs()).toISOString();
      const time = { eventTime, eventTimeZoneOffset: '+00:00' };
      // Through the standard EPCIS 2.0 capture interface, as a supplier's own repository would send it.
      await this.post('/capture', {
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: eventTime,
        epcisBody: {
          eventList: [
            {
              type: 'AggregationEvent',
              ...time,
              action: 'ADD',
              bizStep: 'packing',
              parentID: movement.parentUri,
              childEPCs: cases,
            },
            {
              type: 'ObjectEvent',
              ...time,
              eventID: `urn:uuid:demo-shipping-${loopIndex}-${movement.parentUri}`,
              action: 'OBSERVE',
              bizStep: 'shipping',
              epcList: [movement.parentUri],
              bizTransactionList: [
                { type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:0614141000005:${DEMO_PURCHASE_ORDER}` },
              ],
              destinationList: [{ type: 'location', destination: `urn:stockwire:loc:${this.options.site}:door-3` }],
            },
          ],
        },
      });
    }
  }

  /** Bills what was received and not invoiced yet, 2% above the PO price. */
  private async invoice(): Promise<void> {
    const order = (await this.get(`/purchase-orders/${DEMO_PURCHASE_ORDER}`)) as {
      lines: { line: number; receivedQty: string; invoicedQty: string; unitPrice: string }[];
    };
    const lines = order.lines
      // Whole cases: Number() is exact for these counts.
      .map((line) => ({ line, open: Number(line.receivedQty) - Number(line.invoicedQty) }))
      .filter((each) => each.open > 0)
      .map(({ line, open }) => ({
        purchaseOrder: DEMO_PURCHASE_ORDER,
        line: line.line,
        qty: String(open),
        unitPrice: raisedPrice(line.unitPrice),
      }));
    if (lines.length === 0) return;
    this.invoices++;
    await this.post('/supplier-invoices', {
      id: `INV-DEMO-${this.invoices}`,
      supplier: 'acme-beverages',
      invoiceNumber: `ACME-${this.invoices}`,
      lines,
    });
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.options.apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // EPCIS capture answers 202 with no body (the job is at its Location).
    const text = await response.text();
    const answer: unknown = text === '' ? null : JSON.parse(text);
    if (response.status >= 300 && response.status !== 409)
      this.deps.logger.warn({ path, status: response.status, answer }, 'demo supplier: refused');
    return answer;
  }

  private async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.options.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${this.options.token}` },
    });
    return response.json();
  }
}

/** price × 1.02 on the 6-decimal string in integer micro-units (rounded down), never a binary float. */
export function raisedPrice(unitPrice: string): string {
  const [whole = '0', fraction = ''] = unitPrice.split('.');
  const micros = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  const raised = (micros * 102n) / 100n;
  const text = `${raised / 1_000_000n}.${String(raised % 1_000_000n).padStart(6, '0')}`;
  return text.replace(/\.?0+$/, '');
}
