import { defineErrors } from '../../../shared/src/errors.js';

/** Why an MQTT message was refused by the cloud consumer; each goes to the dead-letter topic. */
export const IngestErrors = defineErrors({
  UNKNOWN_TOPIC: {
    code: 'SW_INGEST_UNKNOWN_TOPIC',
    message:
      'topic {topic} is not a stockwire gateway events/status topic (expected stockwire/v1/<site>/<gateway>/events)',
  },
  PAYLOAD_TOO_LARGE: {
    code: 'SW_INGEST_PAYLOAD_TOO_LARGE',
    message: 'payload of {bytes} bytes exceeds payloadBytesMax {limit}; split the batch on the gateway',
  },
  NOT_JSON: { code: 'SW_INGEST_NOT_JSON', message: 'payload is not valid UTF-8 JSON: {reason}' },
  SCHEMA: { code: 'SW_INGEST_SCHEMA', message: 'payload is not a valid stockwire EPCIS 2.0 document:\n{issues}' },
  STATUS_SCHEMA: { code: 'SW_INGEST_STATUS_SCHEMA', message: 'gateway status is invalid:\n{issues}' },
  GATEWAY_MISMATCH: {
    code: 'SW_INGEST_GATEWAY_MISMATCH',
    message: 'document says gateway "{claimed}" but arrived on the topic of gateway "{topicGateway}"',
  },
  EVENT_ID_MISMATCH: {
    code: 'SW_INGEST_EVENT_ID_MISMATCH',
    message:
      'eventID {eventId} does not match the event content (expected {expected}); the event was altered after it was built',
  },
  DUPLICATE_ID_CONFLICT: {
    code: 'SW_INGEST_ID_CONFLICT',
    message: 'event {eventId} was already applied with a different payload; refusing the new one ({reason})',
  },
  SITE_MISMATCH: {
    code: 'SW_INGEST_SITE_MISMATCH',
    message: 'event {eventId} crosses sites and was refused: {reason}',
  },
  EVENT_REJECTED: { code: 'SW_INGEST_EVENT_REJECTED', message: 'event {eventId} was rejected by the ledger: {reason}' },
  APPLY_FAILED: {
    code: 'SW_INGEST_APPLY_FAILED',
    message: 'message could not be applied and was set aside so the stream moves on: {reason}',
  },
  EVENT_POISON: {
    code: 'SW_INGEST_EVENT_POISON',
    message:
      'event {eventId} fails the same way on every attempt, so it was set aside instead of stalling the stream: {reason}',
  },
  EVENT_UNMAPPED: {
    code: 'SW_INGEST_EVENT_UNMAPPED',
    message: 'event {eventId} cannot become a ledger transaction: {reason}',
  },
});
