import { defineErrors } from '../../../shared/src/errors.js';

/** Errors of alerting (cloud/src/alerts). None stops the cloud: they are logged and counted. */
export const AlertErrors = defineErrors({
  EVALUATION_FAILED: {
    code: 'SW_ALERTS_EVALUATION_FAILED',
    message:
      'stock alerts could not be evaluated because the ledger view failed: {reason}; alerts keep their last state and the next evaluation retries',
  },
  PUBLISH_FAILED: {
    code: 'SW_ALERTS_PUBLISH_FAILED',
    message: 'publishing alert to {topic} failed: {reason}; it is retried on the next tick. Check the MQTT connection',
  },
  LIMIT_REACHED: {
    code: 'SW_ALERTS_LIMIT_REACHED',
    message:
      '{count} alerts not raised because {limit} is reached; raise alerts.{limit} or fix the conditions flooding it',
  },
  BAD_RETAINED_ALERT: {
    code: 'SW_ALERTS_BAD_RETAINED_ALERT',
    message:
      'retained message on {topic} is not a valid alert and was ignored: {reason}; clear it with an empty retained publish',
  },
});
