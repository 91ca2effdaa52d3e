import type { Clock } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';
import type { CloudClient } from './cloud-client.js';

/**
 * The backroom clerk: when the backroom holds fewer loose units of a product than `eachesMin` and a case of it
 * is there, one case is opened (`unpack`, same value) so the shelf's next stocking move finds eaches to take.
 */
export interface BackroomOptions {
  backroom: string;
  /** Loose units kept ready per product that comes in cases. */
  eachesMin: number;
  checkIntervalMs: number;
}

export const BACKROOM_DEFAULTS = { eachesMin: 16, checkIntervalMs: 1_000 } as const;

interface ProductRow {
  gtin: string;
  contains?: { product: string; qty: string };
}
interface StockItem {
  product: string;
  location: string;
  qty: string;
}

export function startBackroomClerk(
  options: BackroomOptions,
  deps: { cloud: CloudClient; clock: Clock; logger: Logger; onLine?: (line: string) => void },
): { stop(): void; unpacked(): number } {
  let unpacked = 0;
  let busy = false;
  const check = async () => {
    const [{ items: products }, { items: stock }] = await Promise.all([
      deps.cloud.get<{ items: ProductRow[] }>('/products'),
      deps.cloud.get<{ items: StockItem[] }>(`/stock?location=${encodeURIComponent(options.backroom)}`),
    ]);
    // Display-free decision on whole units: Number() of a stock quantity is exact for counts this small.
    const onHand = new Map(
      stock.filter((row) => row.location === options.backroom).map((row) => [row.product, Number(row.qty)]),
    );
    for (const pack of products) {
      if (pack.contains === undefined || (onHand.get(pack.gtin) ?? 0) < 1) continue;
      if ((onHand.get(pack.contains.product) ?? 0) >= options.eachesMin) continue;
      const response = await deps.cloud.post('/transactions', {
        type: 'unpack',
        id: `unpack-${pack.gtin}-${deps.clock.nowMs()}`,
        product: pack.gtin,
        location: options.backroom,
        qty: '1',
      });
      if (response.status !== 201) throw new Error(`unpack answered ${response.status}`);
      unpacked++;
      deps.onLine?.(`backroom: opened a case of ${pack.gtin} into ${pack.contains.qty} × ${pack.contains.product}`);
    }
  };
  const timer = deps.clock.setInterval(() => {
    if (busy) return;
    busy = true;
    check()
      .catch((error: unknown) =>
        deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'backroom clerk step failed'),
      )
      .finally(() => (busy = false));
  }, options.checkIntervalMs);
  return { stop: () => timer.cancel(), unpacked: () => unpacked };
}
