import type { MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import type { PosTransactionInput } from '../../../shared/src/contracts/pos.js';
import { posTopic } from '../../../shared/src/contracts/topics.js';
import type { Logger } from '../../../shared/src/log.js';
import { mulberry32, type Random } from '../prng.js';
import type { CloudClient } from './cloud-client.js';

/**
 * Shoppers at the till: items a shelf lost wait on the sales floor (the ledger moved them there on the shelf's
 * `removing` event). A little later most are paid for at the till — a POS sale of the item's EPC over MQTT —
 * and some walk out unpaid; the floor's periodic count then books those to Shrinkage, which is how retail
 * loss shows up in the books.
 */
export interface ShopperOptions {
  site: string;
  till: string;
  /** The site's sales floor location (where taken items wait). */
  salesFloor: string;
  /** Shelf price per GTIN-14 (decimal strings); items of other GTINs sell at `defaultPrice`. */
  prices: Readonly<Record<string, string>>;
  defaultPrice: string;
  payProbability: number;
  payDelayMsMin: number;
  payDelayMsMax: number;
  pollIntervalMs: number;
  floorCountIntervalMs: number;
  /** Items waiting at once (a limit on memory); more are left for the next poll. */
  waitingMax: number;
  seed: number;
}

export const SHOPPER_DEFAULTS = {
  payProbability: 0.8,
  payDelayMsMin: 3_000,
  payDelayMsMax: 15_000,
  pollIntervalMs: 1_000,
  floorCountIntervalMs: 45_000,
  waitingMax: 10_000,
  seed: 7,
} as const;

export interface ShopperStats {
  paid: number;
  walkedOut: number;
  floorCounts: number;
  failures: number;
}

export interface Shoppers {
  stats(): ShopperStats;
  stop(): void;
}

interface EpcRow {
  epc: string;
  product: string;
}

type ShopperDeps = {
  cloud: CloudClient;
  mqtt: MqttClient;
  clock: Clock;
  logger: Logger;
  onLine?: (line: string) => void;
};
type Decision = 'paying' | 'paid' | 'gone';

export function startShoppers(options: ShopperOptions, deps: ShopperDeps): Shoppers {
  const simulator = new ShopperSimulator(options, deps);
  simulator.start();
  return { stats: () => simulator.stats(), stop: () => simulator.stop() };
}

/** The loop owner: one poll timer, one count timer, one timer per shopper on the way to the till. */
class ShopperSimulator {
  private readonly random: Random;
  private readonly counters: ShopperStats = { paid: 0, walkedOut: 0, floorCounts: 0, failures: 0 };
  /**
   * EPC → paying later, paid, or gone unpaid. Settled EPCs are remembered (up to `waitingMax` × 10, oldest
   * forgotten first): a poll answered just before a sale was booked must not send the item round again.
   */
  private readonly decided = new Map<string, Decision>();
  private readonly timers = new Set<TimerHandle>();
  private receipt = 0;
  private stopped = false;

  constructor(
    private readonly options: ShopperOptions,
    private readonly deps: ShopperDeps,
  ) {
    this.random = mulberry32(options.seed);
  }

  start(): void {
    this.timers.add(
      this.deps.clock.setInterval(
        this.guarded(() => this.poll()),
        this.options.pollIntervalMs,
      ),
    );
    this.timers.add(
      this.deps.clock.setInterval(
        this.guarded(() => this.countFloor()),
        this.options.floorCountIntervalMs,
      ),
    );
  }

  stats(): ShopperStats {
    return { ...this.counters };
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }

  private guarded(work: () => Promise<void>): () => void {
    return () =>
      void work().catch((error: unknown) => {
        this.counters.failures++;
        this.deps.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'shopper simulator step failed',
        );
      });
  }

  private remember(epc: string, state: Decision): void {
    this.decided.delete(epc);
    this.decided.set(epc, state);
    for (const [oldest, oldestState] of this.decided) {
      if (this.decided.size <= this.options.waitingMax * 10 || oldestState === 'paying') break;
      this.decided.delete(oldest);
    }
  }

  private async poll(): Promise<void> {
    const { salesFloor, waitingMax, payProbability, payDelayMsMin, payDelayMsMax } = this.options;
    const floor = await this.deps.cloud.get<{ items: EpcRow[] }>(
      `/epcs?status=in_stock&location=${encodeURIComponent(salesFloor)}&limit=${waitingMax}`,
    );
    for (const item of floor.items) {
      if (this.decided.has(item.epc) || this.stopped) continue;
      if (!this.random.chance(payProbability)) {
        this.remember(item.epc, 'gone');
        this.counters.walkedOut++;
        continue;
      }
      this.remember(item.epc, 'paying');
      const timer = this.deps.clock.setTimeout(
        () => {
          this.timers.delete(timer);
          this.guarded(() => this.pay(item))();
        },
        this.random.int(payDelayMsMin, payDelayMsMax),
      );
      this.timers.add(timer);
    }
  }

  private async pay(item: EpcRow): Promise<void> {
    const { site, till, prices, defaultPrice } = this.options;
    const price = prices[item.product] ?? defaultPrice;
    const nowMs = this.deps.clock.nowMs();
    const sale: PosTransactionInput = {
      id: `${nowMs}-${++this.receipt}`,
      kind: 'sale',
      site,
      till,
      time: new Date(nowMs).toISOString(),
      lines: [{ epc: item.epc, unitPrice: price }],
      tender: [{ kind: this.random.chance(0.5) ? 'card' : 'cash', amount: price }],
    };
    await this.deps.mqtt.publishAsync(posTopic(site, till), JSON.stringify(sale), { qos: 1 });
    this.remember(item.epc, 'paid');
    this.counters.paid++;
    this.deps.onLine?.(`till ${till}: sold ${item.product} (${item.epc.split('.').pop()}) for ${price}`);
  }

  /** A floor walker's count: only items of shoppers still in the store are there; the rest went unpaid. */
  private async countFloor(): Promise<void> {
    const present = [...this.decided].filter(([, state]) => state === 'paying').map(([epc]) => epc);
    const response = await this.deps.cloud.post('/counts', {
      id: `floor-count-${this.options.site}-${this.deps.clock.nowMs()}`,
      location: this.options.salesFloor,
      epcs: present,
    });
    this.counters.floorCounts++;
    if (response.status >= 400) throw new Error(`floor count answered ${response.status}`);
  }
}
