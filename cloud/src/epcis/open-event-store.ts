import type { StoreConfig } from '../store/ledger-store.js';
import type { EpcisEventStore } from './event-store.js';

/** Opens the event repository beside the ledger: the same SQLite file or PostgreSQL database. */
export async function openEpcisEventStore(config: StoreConfig): Promise<EpcisEventStore> {
  switch (config.kind) {
    case 'memory':
    case 'sqlite': {
      const { SqliteEpcisEventStore } = await import('./sqlite-event-store.js');
      return SqliteEpcisEventStore.open(config.kind === 'memory' ? ':memory:' : config.path);
    }
    case 'postgres': {
      const { PostgresEpcisEventStore } = await import('./postgres-event-store.js');
      return PostgresEpcisEventStore.open(config.url);
    }
  }
}
