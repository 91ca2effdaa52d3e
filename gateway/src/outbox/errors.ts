import { defineErrors } from '../../../shared/src/errors.js';

/** Errors raised by the gateway outbox. */
export const OutboxErrors = defineErrors({
  OPEN_FAILED: {
    code: 'SW_OUTBOX_OPEN_FAILED',
    message:
      'cannot open the outbox database {path}: {reason}. Check that the directory exists and is writable by the gateway user (systemd: ReadWritePaths=).',
  },
  SCHEMA_NEWER: {
    code: 'SW_OUTBOX_SCHEMA_NEWER',
    message:
      'the outbox database {path} has schema version {found}, newer than this gateway understands ({supported}). Upgrade the gateway, or move the file aside once it has drained.',
  },
});
