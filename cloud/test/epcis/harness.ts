import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { buildApi } from '../../src/api/server.js';
import { EpcisConfigSchema, type EpcisConfig } from '../../src/epcis/config.js';
import { startEpcis, type EpcisService } from '../../src/epcis/service.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { openLedgerStore } from '../../src/store/open.js';
import { contractCatalog } from '../store/contract.js';

export const WRITE_TOKEN = 'epcis-writer-token-0001';
export const READ_TOKEN = 'epcis-reader-token-0001';

export interface EpcisTestInstance {
  url: string;
  app: FastifyInstance;
  ledger: LedgerStore;
  epcis: EpcisService;
  stop(): Promise<void>;
}

/** A real API (fastify on 127.0.0.1, ephemeral port) with the EPCIS routes over an in-memory ledger. */
export async function startEpcisInstance(config: Partial<EpcisConfig> = {}, port = 0): Promise<EpcisTestInstance> {
  const ledger = await openLedgerStore({ kind: 'memory' }, contractCatalog());
  const tokens = [
    { token: WRITE_TOKEN, scopes: ['read', 'write'] as ('read' | 'write')[] },
    { token: READ_TOKEN, scopes: ['read'] as ('read' | 'write')[] },
  ];
  const app = await buildApi({ store: ledger, catalog: contractCatalog(), tokens });
  const epcis = await startEpcis({
    config: EpcisConfigSchema.parse(config),
    storeConfig: { kind: 'memory' },
    ledger,
    catalog: contractCatalog(),
    api: app,
    tokens,
    publicRead: false,
    clock: systemClock,
    logger: silentLogger(),
  });
  const address = await app.listen({ host: '127.0.0.1', port });
  return {
    url: address,
    app,
    ledger,
    epcis,
    async stop() {
      await app.close();
      await epcis.stop();
      await ledger.close();
    },
  };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const schemaPath = fileURLToPath(new URL('../../../test/fixtures/epcis/EPCIS-JSON-Schema.json', import.meta.url));

/** The official GS1 EPCIS 2.0 JSON Schema (vendored in test/fixtures/epcis). */
export function gs1SchemaValidator(): (document: unknown) => boolean {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  return (document) => validate(document) === true;
}
