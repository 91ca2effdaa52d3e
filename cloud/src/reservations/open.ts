import type { StoreConfig } from '../store/ledger-store.js';
import type { ReservationStore } from './store.js';

/** Reservations live beside the ledger: the same SQLite file or PostgreSQL database (memory for a memory ledger). */
export async function openReservationStore(config: StoreConfig): Promise<ReservationStore> {
  switch (config.kind) {
    case 'memory': {
      const { SqliteReservationStore } = await import('./sqlite.js');
      return SqliteReservationStore.open(':memory:');
    }
    case 'sqlite': {
      const { SqliteReservationStore } = await import('./sqlite.js');
      return SqliteReservationStore.open(config.path);
    }
    case 'postgres': {
      const { PostgresReservationStore } = await import('./postgres.js');
      return PostgresReservationStore.open(config.url);
    }
  }
}
