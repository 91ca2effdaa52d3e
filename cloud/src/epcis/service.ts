import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';
import type { ApiToken } from '../api/auth.js';
import type { CloudEvents } from '../events.js';
import type { Catalog } from '../ledger/catalog.js';
import type { LedgerStore, StoreConfig } from '../store/ledger-store.js';
import { EpcisCapture } from './capture.js';
import type { EpcisConfig } from './config.js';
import type { EpcisEventStore } from './event-store.js';
import { EpcisForwarder } from './forwarder.js';
import { openEpcisEventStore } from './open-event-store.js';
import { epcisRoutes } from './routes.js';

export interface EpcisService {
  capture: EpcisCapture;
  repository: EpcisEventStore;
  forwarder: EpcisForwarder | null;
  stop(): Promise<void>;
}

export interface EpcisServiceDependencies {
  config: EpcisConfig;
  storeConfig: StoreConfig;
  ledger: LedgerStore;
  catalog: Catalog;
  api: FastifyInstance;
  tokens: readonly ApiToken[];
  publicRead: boolean;
  clock: Clock;
  logger: Logger;
  events?: CloudEvents;
}

/** Opens the event repository, registers the EPCIS 2.0 routes on the API and starts forwarding when configured. */
export async function startEpcis(deps: EpcisServiceDependencies): Promise<EpcisService> {
  const repository = await openEpcisEventStore(deps.storeConfig);
  const capture = new EpcisCapture({
    ledger: deps.ledger,
    repository,
    catalog: deps.catalog,
    clock: deps.clock,
    logger: deps.logger,
    forward: deps.config.forward !== undefined,
    jobsKeptMax: deps.config.jobsKeptMax,
    ...(deps.events ? { cloudEvents: deps.events } : {}),
  });
  await deps.api.register(epcisRoutes, {
    capture,
    repository,
    tokens: deps.tokens,
    publicRead: deps.publicRead,
    limits: deps.config,
    clock: deps.clock,
  });
  const forwarder = deps.config.forward
    ? new EpcisForwarder(deps.config.forward, { repository, clock: deps.clock, logger: deps.logger })
    : null;
  forwarder?.start();
  return {
    capture,
    repository,
    forwarder,
    async stop() {
      await forwarder?.stop();
      await capture.idle();
      await repository.close();
    },
  };
}
