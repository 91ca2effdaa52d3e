import { defineErrors } from '../../../shared/src/errors.js';

/** Why a till transaction was refused (HTTP 4xx, or dead-lettered when it came over MQTT). */
export const PosErrors = defineErrors({
  SCHEMA: { code: 'SW_POS_SCHEMA', message: 'till transaction is invalid:\n{issues}' },
  UNKNOWN_TOPIC_KIND: {
    code: 'SW_POS_UNKNOWN_TOPIC_KIND',
    message:
      'till topic kind "{kind}" is unknown: publish till transactions on stockwire/v1/<site>/pos/<till>/transactions',
  },
  TOPIC_MISMATCH: {
    code: 'SW_POS_TOPIC_MISMATCH',
    message: 'transaction says {claimed} but arrived on the topic of till {topicTill}: a till publishes only its own',
  },
  TENDER_MISMATCH: {
    code: 'SW_POS_TENDER_MISMATCH',
    message:
      'tender {tendered} does not pay the lines exactly ({due}): send the net tender (change given back deducted)',
  },
  UNKNOWN_SALE: {
    code: 'SW_POS_UNKNOWN_SALE',
    message: '{kind} names sale {sale}, which the ledger has not booked: send the sale first',
  },
  LINE_REJECTED: {
    code: 'SW_POS_LINE_REJECTED',
    message: 'line {line} of till transaction {id} was not booked: {reason}',
  },
});
