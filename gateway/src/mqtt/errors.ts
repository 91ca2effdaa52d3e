import { defineErrors } from '../../../shared/src/errors.js';

/** Errors raised by the gateway's MQTT side. */
export const MqttErrors = defineErrors({
  SECRET_UNREADABLE: {
    code: 'SW_MQTT_SECRET_UNREADABLE',
    message:
      'cannot read {what} file {file}: {reason}. Check the path in mqtt.{field} and that the gateway user may read it.',
  },
  PUBLISH_FAILED: {
    code: 'SW_MQTT_PUBLISH_FAILED',
    message:
      'publishing {count} events (sequence {sequence}) failed: {reason}. They stay in the outbox and are sent again.',
  },
});
