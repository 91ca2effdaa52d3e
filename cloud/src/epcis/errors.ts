import { defineErrors } from '../../../shared/src/errors.js';

/**
 * EPCIS 2.0 capture and query interface errors. Over HTTP each one is an `application/problem+json` body whose
 * `type` is the EPCIS exception named in `epcisException` (GS1 EPCIS 2.0 REST bindings) and whose `code` is ours.
 */
export const EpcisErrors = defineErrors({
  VALIDATION: {
    code: 'SW_EPCIS_VALIDATION',
    message: 'the EPCIS document or event is invalid: {reason}',
  },
  CAPTURE_LIMIT: {
    code: 'SW_EPCIS_CAPTURE_LIMIT',
    message: 'the document carries {count} events, more than GS1-EPCIS-Capture-Limit {max}: split it',
  },
  FILE_SIZE_LIMIT: {
    code: 'SW_EPCIS_FILE_SIZE_LIMIT',
    message: 'the request body exceeds GS1-EPCIS-Capture-File-Size-Limit ({max} bytes): split the document',
  },
  EVENT_ID_CONFLICT: {
    code: 'SW_EPCIS_EVENT_ID_CONFLICT',
    message: 'event {eventId} is already stored with other content; an eventID names exactly one event',
  },
  EVENT_REJECTED: {
    code: 'SW_EPCIS_EVENT_REJECTED',
    message: 'event {eventId} was refused by the ledger: {reason}',
  },
  NOT_FOUND: { code: 'SW_EPCIS_NOT_FOUND', message: '{what} not found' },
  BUSY: {
    code: 'SW_EPCIS_BUSY',
    message: '{pending} captures are already waiting (captureQueueMax); retry after a few seconds',
  },
  QUERY_PARAMETER: {
    code: 'SW_EPCIS_QUERY_PARAMETER',
    message: 'query parameter {parameter} is invalid: {reason}',
  },
  FORWARD_FAILED: {
    code: 'SW_EPCIS_FORWARD_FAILED',
    message: 'forwarding to the external EPCIS capture interface failed ({reason}); retried with backoff',
  },
});

/** Our codes → the EPCIS 2.0 exception each one is reported as (and its HTTP status). */
export const EPCIS_EXCEPTIONS: Readonly<Record<string, { type: string; status: number }>> = {
  SW_EPCIS_VALIDATION: { type: 'epcisException:ValidationException', status: 400 },
  SW_EPCIS_CAPTURE_LIMIT: { type: 'epcisException:CaptureLimitExceededException', status: 413 },
  SW_EPCIS_FILE_SIZE_LIMIT: { type: 'epcisException:CaptureLimitExceededException', status: 413 },
  SW_EPCIS_EVENT_ID_CONFLICT: { type: 'epcisException:ValidationException', status: 409 },
  SW_EPCIS_EVENT_REJECTED: { type: 'epcisException:ValidationException', status: 400 },
  SW_EPCIS_NOT_FOUND: { type: 'epcisException:NoSuchResourceException', status: 404 },
  SW_EPCIS_BUSY: { type: 'epcisException:ImplementationException', status: 503 },
  SW_EPCIS_QUERY_PARAMETER: { type: 'epcisException:QueryParameterException', status: 400 },
  SW_API_UNAUTHORIZED: { type: 'epcisException:SecurityException', status: 401 },
  SW_API_FORBIDDEN: { type: 'epcisException:SecurityException', status: 403 },
};
