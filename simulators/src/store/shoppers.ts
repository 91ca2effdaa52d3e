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

export function startShoppers(
  options: ShopperOptions,
  deps: { cloud: CloudClient; mqtt: MqttClient; clock: Clock; logger: Logger; onLine?: (line: string) => void },
): Shoppers {
  const random: Random = mulberry32(options.seed);
  const stats: ShopperStats = { paid: 0, walkedOut: 0, floorCounts: 0, failures: 0 };
  /**
   * EPC → paying later, paid, or gone unpaid. Settled EPCs are remembered (up to `waitingMax` × 10, oldest
   * forgotten first): a poll answered just before a sale was booked must not send the item round again.
   */
  const decided = new Map<string, 'paying' | 'paid' | 'gone'>();
  const remember = (epc: string, state: 'paying' | 'paid' | 'gone') => {
    decided.delete(epc);
    decided.set(epc, state);
    for (const [oldest, oldestState] of decided) {
      if (decided.size <= options.waitingMax * 10) break;
      if (oldestState !== 'paying') decided.delete(oldest);
      else break;
    }
  };
  const timers = new Set<TimerHandle>();
  let receipt = 0;
  let stopped = false;
  const run = (work: () => Promise<void>) => () =>
    void work().catch((error: unknown) => {
      stats.failures++;
      deps.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'shopper simulator step failed',
      );
    });

  const pay = async (item: EpcRow) => {
    const price = options.prices[item.product] ?? options.defaultPrice;
    receipt++;
    const sale: PosTransactionInput = {
      id: `${deps.clock.nowMs()}-${receipt}`,
      kind: 'sale',
      site: options.site,
      till: options.till,
      time: new Date(deps.clock.nowMs()).toISOString(),
      lines: [{ epc: item.epc, unitPrice: price }],
      tender: [{ kind: random.chance(0.5) ? 'card' : 'cash', amount: price }],
    };
    await deps.mqtt.publishAsync(posTopic(options.site, options.till), JSON.stringify(sale), { qos: 1 });
    remember(item.epc, 'paid');
    stats.paid++;
    deps.onLine?.(`till ${options.till}: sold ${item.product} (${item.epc.split('.').pop()}) for ${price}`);
  };

  const poll = async () => {
    const floor = await deps.cloud.get<{ items: EpcRow[] }>(
      `/epcs?status=in_stock&location=${encodeURIComponent(options.salesFloor)}&limit=${options.waitingMax}`,
    );
    for (const item of floor.items) {
      if (decided.has(item.epc) || stopped) continue;
      if (!random.chance(options.payProbability)) {
        remember(item.epc, 'gone');
        stats.walkedOut++;
        continue;
      }
      remember(item.epc, 'paying');
      const timer = deps.clock.setTimeout(
        () => {
          timers.delete(timer);
          run(() => pay(item))();
        },
        random.int(options.payDelayMsMin, options.payDelayMsMax),
      );
      timers.add(timer);
    }
  };

  // A floor walker's count: only items of shoppers still in the store are there; the rest went unpaid.
  const countFloor = async () => {
    const present = [...decided].filter(([, state]) => state === 'paying').map(([epc]) => epc);
    const response = await deps.cloud.post('/counts', {
      id: `floor-count-${options.site}-${deps.clock.nowMs()}`,
      location: options.salesFloor,
      epcs: present,
    });
    stats.floorCounts++;
    if (response.status >= 400) throw new Error(`floor count answered ${response.status}`);
  };

  const pollTimer = deps.clock.setInterval(run(poll), options.pollIntervalMs);
  const countTimer = deps.clock.setInterval(run(countFloor), options.floorCountIntervalMs);
  return {
    stats: () => ({ ...stats }),
    stop() {
      stopped = true;
      pollTimer.cancel();
      countTimer.cancel();
      for (const timer of timers) timer.cancel();
      timers.clear();
    },
  };
}
