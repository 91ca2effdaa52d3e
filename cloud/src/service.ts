import { readBoundedFile } from '../../shared/src/config/load.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/src/clock.js';
import type { Logger } from '../../shared/src/log.js';
import { errorMessage } from '../../shared/src/errors.js';
import type { Catalog } from './ledger/catalog.js';
import type { CloudConfig } from './config.js';
import { CloudEvents } from './events.js';
import { MovementConsumer } from './ingest/consumer.js';
import { buildApi } from './api/server.js';
import { createAuthorizer } from './api/auth.js';
import { loadCatalogFile } from './catalog-file.js';
import { type LedgerStore } from './store/ledger-store.js';
import { openLedgerStore } from './store/open.js';
import { createStoreView } from './alerts/store-adapter.js';
import { openReservationStore } from './reservations/open.js';
import { FinanceView } from './dashboard/finance.js';
import { AccuracyTile } from './accuracy/tile.js';
import { ReservationService } from './reservations/service.js';
import { withAvailable } from './reservations/stock-view.js';
import { startAnalytics, type Analytics } from './analytics.js';
import { startEpcis, type EpcisService } from './epcis/service.js';
import { ReceivingService } from './receiving/service.js';
import { applySupplierEvent } from './receiving/supplier-events.js';
import { registerReceivingPanel } from './receiving/dashboard.js';
import { openReceivingStore } from './receiving/store/open.js';

export interface CloudService {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 */
  httpUrl: string;
  store: LedgerStore;
  events: CloudEvents;
  consumer: MovementConsumer;
  api: FastifyInstance;
  analytics: Analytics;
  epcis: EpcisService;
  receiving: ReceivingService;
  /** The dashboard's accuracy tile: measures against `analytics.dashboard.accuracyTruthFile`, or shows what is attached. */
  accuracy: AccuracyTile;
  stop(): Promise<void>;
}

export interface CloudServiceOptions {
  /** Relative paths in the config (catalog, SQLite file, TLS files) resolve against this folder. */
  configDir: string;
  logger: Logger;
  clock: Clock;
}

/**
 * Composes the cloud side: ledger store, MQTT consumer, HTTP API (+ analytics).
 * Stops in reverse order so no message is acked after the store closes.
 */
export async function startCloudService(config: CloudConfig, options: CloudServiceOptions): Promise<CloudService> {
  const { logger, clock } = options;
  const pathFrom = (path: string) => (isAbsolute(path) ? path : resolve(options.configDir, path));
  const catalog = loadCatalogFile(pathFrom(config.catalogFile));
  const storeConfig =
    config.store.kind === 'sqlite' ? { ...config.store, path: pathFrom(config.store.path) } : config.store;
  const store = await openLedgerStore(storeConfig, catalog, { logger: logger.child({ part: 'ledger' }) });
  const events = new CloudEvents();
  const reservationStore = await openReservationStore(storeConfig);
  const reservations = new ReservationService({
    store: reservationStore,
    ledger: store,
    catalog,
    nowMs: () => clock.nowMs(),
  });
  const stops: (() => Promise<void>)[] = [() => store.close(), () => reservationStore.close()];
  const stopAll = () => stopInReverse(stops, logger);
  try {
    const receivingStore = await openReceivingStore(storeConfig);
    stops.push(() => receivingStore.close());
    const receiving = new ReceivingService(receivingStore, store, config.receiving, {
      logger: logger.child({ part: 'receiving' }),
      clock,
    });
    const api = await buildApi({
      receiving,
      store,
      catalog,
      tokens: [...config.http.tokens],
      publicRead: config.http.publicRead,
      logger: logger.child({ part: 'api' }),
      events,
      reservations,
    });
    const epcis = await startEpcis({
      config: config.epcis,
      storeConfig,
      ledger: store,
      catalog,
      api,
      tokens: config.http.tokens,
      publicRead: config.http.publicRead,
      clock,
      logger: logger.child({ part: 'epcis' }),
      events,
    });
    stops.push(() => epcis.stop());
    feedSupplierEvents(epcis, receiving, catalog, logger);
    const parts: ComposedParts = { config, options, pathFrom, catalog, store, events, reservations, receiving, api };
    const consumer = createConsumer(parts, epcis);
    await consumer.connect();
    stops.push(() => consumer.stop());
    const { analytics, accuracy } = await startDashboardAndAnalytics(parts, consumer, stops);
    consumer.beginConsuming();
    const address = await api.listen({ host: config.http.host, port: config.http.port });
    stops.push(() => api.close());
    const httpUrl = address.replace('[::1]', '127.0.0.1');

    logger.info({ httpUrl }, 'cloud service ready');
    return { httpUrl, store, events, consumer, api, analytics, receiving, epcis, accuracy, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The parts startCloudService has composed so far, handed to the steps it delegates. */
interface ComposedParts {
  config: CloudConfig;
  options: CloudServiceOptions;
  pathFrom: (path: string) => string;
  catalog: Catalog;
  store: LedgerStore;
  events: CloudEvents;
  reservations: ReservationService;
  receiving: ReceivingService;
  api: FastifyInstance;
}

/** Runs every stop, last started first; one failing stop is logged and the rest still run. */
async function stopInReverse(stops: (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'error while stopping');
    }
  }
}

/**
 * One MQTT connection for the whole cloud process: brokers that take the username as client id
 * (deploy/mosquitto: use_username_as_clientid) would make two connections take each other over.
 */
function createConsumer(parts: ComposedParts, epcis: EpcisService): MovementConsumer {
  const { config, options, pathFrom, store, catalog, events, receiving } = parts;
  const tls = config.mqtt.tls;
  const tlsOptions = tls && {
    ca: tls.caFile ? readBoundedFile(pathFrom(tls.caFile)) : undefined,
    cert: tls.certFile ? readBoundedFile(pathFrom(tls.certFile)) : undefined,
    key: tls.keyFile ? readBoundedFile(pathFrom(tls.keyFile)) : undefined,
    rejectUnauthorized: tls.rejectUnauthorized,
  };
  return new MovementConsumer(
    {
      url: config.mqtt.url,
      clientId: config.mqtt.clientId,
      username: config.mqtt.username,
      password: config.mqtt.password,
      tls: tlsOptions,
      sharedGroup: config.mqtt.sharedGroup,
      reorderHoldMs: config.mqtt.reorderHoldMs,
      ...config.ingest,
    },
    {
      store,
      catalog,
      events,
      logger: options.logger.child({ part: 'ingest' }),
      clock: options.clock,
      receiving,
      epcis: epcis.capture,
    },
  );
}

/** The ledger as analytics sees it: positions with what is available after open reservations. */
async function analyticsViewOf({ store, events, reservations }: ComposedParts, stops: (() => Promise<void>)[]) {
  const storeView = await createStoreView(store, events);
  // Open reservations are the open demand the overselling-risk alert waits for.
  storeView.view.openDemand = () => reservations.openDemandBySite();
  const ledgerPositions = storeView.view.positions.bind(storeView.view);
  storeView.view.positions = async () => withAvailable(await ledgerPositions(), await reservations.openDemand());
  stops.push(async () => storeView.detach());
  return storeView.view;
}

/** Analytics (alerts, forecast, dashboard) and the receiving panel, in one plugin scope behind the read guard. */
async function startDashboardAndAnalytics(
  parts: ComposedParts,
  consumer: MovementConsumer,
  stops: (() => Promise<void>)[],
): Promise<{ analytics: Analytics; accuracy: AccuracyTile }> {
  const { config, options, pathFrom, store, events, reservations, receiving, api } = parts;
  const { logger, clock } = options;
  const view = await analyticsViewOf(parts, stops);
  // The dashboard lives in its own plugin scope so the read guard covers its routes only.
  const authorize = createAuthorizer(config.http.tokens, config.http.publicRead, { allowQueryToken: true });
  const dashboardConfig = config.analytics.dashboard;
  const accuracy = new AccuracyTile({
    clock,
    logger: logger.child({ part: 'accuracy' }),
    store,
    truthFile: dashboardConfig.accuracyTruthFile && pathFrom(dashboardConfig.accuracyTruthFile),
    refreshMs: dashboardConfig.accuracyRefreshMs,
  });
  let analytics: Analytics | undefined;
  await api.register(async (dashboardScope) => {
    dashboardScope.addHook('onRequest', async (request, reply) => {
      if (!authorize(request, reply, 'read')) return reply;
      return undefined;
    });
    registerReceivingPanel(dashboardScope as unknown as FastifyInstance, dashboardConfig.basePath, receiving);
    analytics = await startAnalytics(config.analytics, {
      events,
      view,
      clock,
      logger: logger.child({ part: 'analytics' }),
      app: dashboardScope,
      mqtt: consumer.mqttClient(),
      finance: new FinanceView(store),
      accuracy,
    });
  });
  if (!analytics) throw new Error('analytics did not start');
  const startedAnalytics = analytics;
  stops.push(() => startedAnalytics.stop());
  const stopDemandListener = reservations.onDemandChanged(
    () => void startedAnalytics.alerts.evaluateStock().catch(() => undefined),
  );
  stops.push(async () => stopDemandListener());
  return { analytics: startedAnalytics, accuracy };
}

export function configDirOf(configFile: string): string {
  return dirname(resolve(configFile));
}

/**
 * A supplier's ASN arrives the GS1 way, as EPCIS events sent to our capture interface: a packing
 * AggregationEvent (pallet SSCC → cases) and a shipping ObjectEvent naming our site and the PO.
 * Captured events are stored first (one path for every event); receiving then reads them in order.
 */
function feedSupplierEvents(epcis: EpcisService, receiving: ReceivingService, catalog: Catalog, logger: Logger): void {
  let pending: Promise<unknown> = Promise.resolve();
  epcis.capture.onEventsStored((stored) => {
    for (const input of stored) {
      if (!input.source.startsWith('capture:') || (input.bizStep !== 'packing' && input.bizStep !== 'shipping'))
        continue;
      pending = pending
        .then(() => applySupplierEvent(receiving, catalog, input.body))
        .catch((error: unknown) =>
          logger.warn(
            { err: errorMessage(error), eventId: input.eventId },
            'captured supplier event not usable for receiving',
          ),
        );
    }
  });
}
