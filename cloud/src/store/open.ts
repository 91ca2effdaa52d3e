import type { Catalog } from '../ledger/catalog.js';
import type { LedgerStore, StoreConfig, StoreOptions } from './ledger-store.js';

/**
 * Opens (and migrates) a ledger store. `memory` is SQLite in memory: the same
 * code path as `sqlite`, gone on close (replay and tests use it).
 */
export async function openLedgerStore(
  config: StoreConfig,
  catalog: Catalog,
  options: StoreOptions = {},
): Promise<LedgerStore> {
  switch (config.kind) {
    case 'memory': {
      const { SqliteLedgerStore } = await import('./sqlite.js');
      return SqliteLedgerStore.open(':memory:', catalog, options);
    }
    case 'sqlite': {
      const { SqliteLedgerStore } = await import('./sqlite.js');
      return SqliteLedgerStore.open(config.path, catalog, options);
    }
    case 'postgres': {
      const { PostgresLedgerStore } = await import('./postgres.js');
      return PostgresLedgerStore.open(config.url, catalog, { ...options, poolSize: config.poolSize ?? 4 });
    }
  }
}

/** `sqlite:<path>`, `postgres://…`/`postgresql://…`, or `memory`. */
export function parseStoreUrl(text: string): StoreConfig {
  if (text === 'memory' || text === 'memory:') return { kind: 'memory' };
  if (text.startsWith('sqlite:')) return { kind: 'sqlite', path: text.slice('sqlite:'.length) };
  if (text.startsWith('postgres:') && !text.startsWith('postgres://'))
    return { kind: 'postgres', url: text.slice('postgres:'.length) };
  if (text.startsWith('postgres://') || text.startsWith('postgresql://')) return { kind: 'postgres', url: text };
  return { kind: 'sqlite', path: text };
}
