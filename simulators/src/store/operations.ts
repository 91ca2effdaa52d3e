import mqtt from 'mqtt';
import { systemClock } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';
import { BACKROOM_DEFAULTS, startBackroomClerk } from './backroom.js';
import { cloudClient } from './cloud-client.js';
import { SHOPPER_DEFAULTS, startShoppers } from './shoppers.js';

/** Shelf prices of the demo's eaches (decimal strings, like every amount). */
export const DEMO_PRICES: Readonly<Record<string, string>> = {
  '00614141200016': '0.79',
  '00614141200023': '0.99',
};

/**
 * The demo store's daily flow around the RFID events: a backroom clerk opening cases and shoppers paying at
 * till-1 (or not). Returns the stop function.
 */
export async function startStoreOperations(options: {
  cloud: { httpUrl: string };
  mqttUrl: string;
  token: string;
  logger: Logger;
  onLine?: (line: string) => void;
  site?: string;
}): Promise<() => Promise<void>> {
  const site = options.site ?? 'store-1';
  const cloud = cloudClient(options.cloud.httpUrl, options.token);
  const logger = options.logger.child({ part: 'store-sim' });
  const till = await mqtt.connectAsync(options.mqttUrl, {
    clientId: 'till-1',
    username: 'till-1',
    password: 'till-1-demo-password',
    reconnectPeriod: 1_000,
  });
  const clerk = startBackroomClerk(
    { ...BACKROOM_DEFAULTS, backroom: `urn:stockwire:loc:${site}:backroom` },
    { cloud, clock: systemClock, logger, ...(options.onLine ? { onLine: options.onLine } : {}) },
  );
  const shoppers = startShoppers(
    {
      ...SHOPPER_DEFAULTS,
      site,
      till: 'till-1',
      salesFloor: `urn:stockwire:loc:${site}:sales-floor`,
      prices: DEMO_PRICES,
      defaultPrice: '1.00',
    },
    { cloud, mqtt: till, clock: systemClock, logger, ...(options.onLine ? { onLine: options.onLine } : {}) },
  );
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    shoppers.stop();
    clerk.stop();
    await till.endAsync();
  };
}
