import mqtt from 'mqtt';
import { systemClock } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';
import { BACKROOM_DEFAULTS, startBackroomClerk } from './backroom.js';
import { cloudClient } from './cloud-client.js';
import { SHOPPER_DEFAULTS, startShoppers, type ShopperOptions } from './shoppers.js';

/** Shelf prices of the demo's eaches (decimal strings, like every amount). */
export const DEMO_PRICES: Readonly<Record<string, string>> = {
  '00614141200016': '0.79',
  '00614141200023': '0.99',
};

export interface StoreOperationsOptions {
  cloudUrl: string;
  /** Bearer token with the write scope (counts, unpacks). */
  token: string;
  mqttUrl: string;
  site: string;
  till: { id: string; username?: string; password?: string };
  /** Open cases in the backroom when its eaches run low. */
  unpack: boolean;
  shoppers?: Partial<Pick<ShopperOptions, 'payProbability' | 'seed' | 'floorCountIntervalMs'>>;
  logger: Logger;
  onLine?: (line: string) => void;
}

/**
 * The store's daily flow around the RFID events: a backroom clerk opening cases and shoppers paying at the
 * till (or not). Returns the stop function (safe to call twice).
 */
export async function startStoreOperations(options: StoreOperationsOptions): Promise<() => Promise<void>> {
  const cloud = cloudClient(options.cloudUrl, options.token);
  const logger = options.logger.child({ part: 'store-sim' });
  const lines = options.onLine ? { onLine: options.onLine } : {};
  const till = await mqtt.connectAsync(options.mqttUrl, {
    clientId: options.till.id,
    ...(options.till.username === undefined ? {} : { username: options.till.username }),
    ...(options.till.password === undefined ? {} : { password: options.till.password }),
    reconnectPeriod: 1_000,
  });
  const clerk = options.unpack
    ? startBackroomClerk(
        { ...BACKROOM_DEFAULTS, backroom: `urn:stockwire:loc:${options.site}:backroom` },
        { cloud, clock: systemClock, logger, ...lines },
      )
    : undefined;
  const shoppers = startShoppers(
    {
      ...SHOPPER_DEFAULTS,
      ...options.shoppers,
      site: options.site,
      till: options.till.id,
      salesFloor: `urn:stockwire:loc:${options.site}:sales-floor`,
      prices: DEMO_PRICES,
      defaultPrice: '1.00',
    },
    { cloud, mqtt: till, clock: systemClock, logger, ...lines },
  );
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    shoppers.stop();
    clerk?.stop();
    await till.endAsync();
  };
}
