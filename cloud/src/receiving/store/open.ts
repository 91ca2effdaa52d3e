import type { StoreConfig } from '../../store/ledger-store.js';
import type { ReceivingStore } from './store.js';

/** Opens receiving's documents in the same database as the ledger (its own connection). */
export async function openReceivingStore(config: StoreConfig): Promise<ReceivingStore> {
  switch (config.kind) {
    case 'memory': {
      const { SqliteReceivingStore } = await import('./sqlite-store.js');
      return SqliteReceivingStore.open(':memory:');
    }
    case 'sqlite': {
      const { SqliteReceivingStore } = await import('./sqlite-store.js');
      return SqliteReceivingStore.open(config.path);
    }
    case 'postgres': {
      const { PostgresReceivingStore } = await import('./postgres-store.js');
      return PostgresReceivingStore.open(config.url);
    }
  }
}
