import { systemClock } from '../../shared/src/clock.js';
import type { EpcisEvent } from '../../shared/src/contracts/epcis.js';
import { silentLogger } from '../../shared/src/log.js';
import { GatewayConfigSchema } from '../../gateway/src/config.js';
import { createGatewayDaemon, type GatewayDaemon } from '../../gateway/src/daemon.js';
import { createNotifier } from '../../gateway/src/systemd/notify.js';
import { sampleEvent } from '../../gateway/test/outbox/fixtures.js';

/**
 * The real daemon in the test process with a gated synthetic stream: movements
 * 0…total-1 are produced `perTick` at a time once `produce()` is called, so a
 * test can line production up with a broker outage.
 */
export interface InProcessGateway {
  daemon: GatewayDaemon;
  produce(): void;
  produced(): number;
}

export function inProcessGateway(
  rawConfig: Record<string, unknown>,
  stream: { total: number; perTick: number; offset?: number; pauseAt?: number },
): InProcessGateway {
  // produce() opens the gate: up to `pauseAt` the first time (when set), up to `total` after that.
  let limit = 0;
  let next = 0;
  const offset = stream.offset ?? 0;
  const config = GatewayConfigSchema.parse(rawConfig);
  const daemon = createGatewayDaemon({
    config,
    clock: systemClock,
    logger: silentLogger(),
    notifier: createNotifier({ logger: silentLogger(), environment: {} }),
    parts: {
      createEngine: () => ({
        ingest: () => [],
        tick: () => {
          const events: EpcisEvent[] = [];
          while (events.length < stream.perTick && next < limit)
            events.push(sampleEvent(offset + next++, config.gatewayId));
          return events;
        },
        flush: () => [],
        reconfigure: () => undefined,
      }),
      createReader: () => {
        throw new Error('no readers in the in-process test gateway');
      },
    },
  });
  const produce = (): void => {
    limit = limit === 0 && stream.pauseAt !== undefined ? stream.pauseAt : stream.total;
  };
  return { daemon, produce, produced: () => next };
}
