import { loadConfigFile } from '../../shared/src/config/load.js';
import { buildCatalog, CatalogSchema, type Catalog } from './ledger/catalog.js';

/**
 * Reads and validates a catalog YAML/JSON file (errors name the file and field: SW_CONFIG_*). Here in the
 * cloud's shell, not in ledger/catalog.ts: the ledger is a pure core and reads no files.
 */
export function loadCatalogFile(file: string): Catalog {
  return buildCatalog(loadConfigFile(file, CatalogSchema));
}
