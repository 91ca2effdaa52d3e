import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/src/clock.js';
import type { Logger } from '../../shared/src/log.js';
import type { CloudConfig } from './config.js';
import { CloudEvents } from './events.js';
import { MovementConsumer } from './ingest/consumer.js';
import { buildApi } from './api/server.js';
import { loadCatalogFile } from './ledger/catalog.js';
import { openLedgerStore, type LedgerStore } from './store/ledger-store.js';

export interface CloudService {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:8080 */
  httpUrl: string;
  store: LedgerStore;
  events: CloudEvents;
  consumer: MovementConsumer;
  api: FastifyInstance;
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
  const storeConfig = config.store.kind === 'sqlite' ? { ...config.store, path: pathFrom(config.store.path) } : config.store;
  const store = await openLedgerStore(storeConfig, catalog, { logger: logger.child({ part: 'ledger' }) });
  const events = new CloudEvents();
  const stops: (() => Promise<void>)[] = [() => store.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'error while stopping');
      }
    }
  };
  try {
    const api = await buildApi({ store, catalog, tokens: [...config.http.tokens], publicRead: config.http.publicRead, logger: logger.child({ part: 'api' }), events });
    const address = await api.listen({ host: config.http.host, port: config.http.port });
    stops.push(() => api.close());
    const httpUrl = address.replace('[::1]', '127.0.0.1');

    const tls = config.mqtt.tls;
    const consumer = new MovementConsumer(
      {
        url: config.mqtt.url,
        clientId: config.mqtt.clientId,
        username: config.mqtt.username,
        password: config.mqtt.password,
        tls: tls && {
          ca: tls.caFile ? readFileSync(pathFrom(tls.caFile)) : undefined,
          cert: tls.certFile ? readFileSync(pathFrom(tls.certFile)) : undefined,
          key: tls.keyFile ? readFileSync(pathFrom(tls.keyFile)) : undefined,
          rejectUnauthorized: tls.rejectUnauthorized,
        },
        ...config.ingest,
      },
      { store, events, logger: logger.child({ part: 'ingest' }), clock },
    );
    await consumer.start();
    stops.push(() => consumer.stop());
    logger.info({ httpUrl }, 'cloud service ready');
    return { httpUrl, store, events, consumer, api, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export function configDirOf(configFile: string): string {
  return dirname(resolve(configFile));
}
