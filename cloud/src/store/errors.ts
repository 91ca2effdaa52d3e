import { defineErrors } from '../../../shared/src/errors.js';

/** Errors of the ledger stores (bad use or an unreachable database; ledger outcomes are results, not errors). */
export const StoreErrors = defineErrors({
  OPEN_FAILED: { code: 'SW_STORE_OPEN_FAILED', message: 'cannot open ledger store {store}: {reason}' },
  CLOSED: { code: 'SW_STORE_CLOSED', message: 'the ledger store is closed: open a new one' },
  BATCH_TOO_LARGE: {
    code: 'SW_STORE_BATCH_TOO_LARGE',
    message: 'batch of {count} transactions exceeds {max}: split it',
  },
  PREFETCH_ROUNDS: {
    code: 'SW_STORE_PREFETCH_ROUNDS',
    message: 'batch still needed unloaded state after {rounds} load rounds: report this as a bug',
  },
});
