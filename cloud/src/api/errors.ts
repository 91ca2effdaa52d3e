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
  BATCH_TOO_LARGE: { code: 'SW_API_BATCH_TOO_LARGE', message: 'batch of {count} transactions exceeds {max}: split it' },
});
