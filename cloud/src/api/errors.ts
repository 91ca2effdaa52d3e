import { defineErrors } from '../../../shared/src/errors.js';

/** HTTP API errors; the body is always `{ code, message, issues? }`. */
export const ApiErrors = defineErrors({
  UNAUTHORIZED: {
    code: 'SW_API_UNAUTHORIZED',
    message: 'missing or unknown bearer token: send "Authorization: Bearer <token>"',
  },
  FORBIDDEN: { code: 'SW_API_FORBIDDEN', message: 'the token lacks the "{scope}" scope this endpoint needs' },
  VALIDATION: { code: 'SW_API_VALIDATION', message: 'request is invalid: see issues for each field' },
  NOT_FOUND: { code: 'SW_API_NOT_FOUND', message: '{what} not found' },
  BODY_NOT_UTF8: {
    code: 'SW_API_BODY_NOT_UTF8',
    message: 'request body is not valid UTF-8: send the JSON encoded as UTF-8',
  },
  BODY_NOT_JSON: { code: 'SW_API_BODY_NOT_JSON', message: 'request body is not valid JSON: {reason}' },
  BODY_FORBIDDEN_KEY: {
    code: 'SW_API_BODY_FORBIDDEN_KEY',
    message:
      'request body uses the key "{key}", which is refused everywhere in a body because it could alter object prototypes: rename or drop the field',
  },
  BATCH_TOO_LARGE: { code: 'SW_API_BATCH_TOO_LARGE', message: 'batch of {count} transactions exceeds {max}: split it' },
});
