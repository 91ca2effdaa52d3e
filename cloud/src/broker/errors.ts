import { defineErrors } from '../../../shared/src/errors.js';

/** Errors raised by the embedded MQTT broker. */
export const BrokerErrors = defineErrors({
  LISTEN_FAILED: {
    code: 'SW_BROKER_LISTEN_FAILED',
    message:
      'the embedded MQTT broker cannot listen on {host}:{port}: {reason}. Pick a free port (broker.port) or stop the other broker.',
  },
  BAD_USER: {
    code: 'SW_BROKER_BAD_USER',
    message:
      'broker user "{username}" is invalid: {reason}. Each user needs a username, a password or passwordHash, a role, and for role gateway a siteId and gatewayId.',
  },
  BAD_PASSWORD_HASH: {
    code: 'SW_BROKER_BAD_PASSWORD_HASH',
    message:
      'broker user "{username}" has a malformed passwordHash; generate one with `node --import tsx cloud/src/broker/hash-password.ts <password>`.',
  },
  PUBLISH_REFUSED: {
    code: 'SW_BROKER_PUBLISH_REFUSED',
    message:
      'publish refused: {reason}. The client is disconnected; fix its topic or its broker user (role, siteId, gatewayId).',
  },
  NO_CREDENTIALS: {
    code: 'SW_BROKER_NO_CREDENTIALS',
    message:
      'the embedded broker has no users and allowAnonymous is false, so nobody could connect; add users or set allowAnonymous for a lab setup.',
  },
});
