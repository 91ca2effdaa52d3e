import type { FastifyReply } from 'fastify';
import { makeError, type ErrorDefinition } from '../../../shared/src/errors.js';
import { EPCIS_EXCEPTIONS } from './errors.js';

/** EPCIS 2.0 REST bindings: every error is RFC 7807 problem JSON whose `type` names the EPCIS exception. */
export function sendProblem(
  reply: FastifyReply,
  definition: ErrorDefinition,
  details: Record<string, string | number> = {},
): FastifyReply {
  const error = makeError(definition, details);
  const exception = EPCIS_EXCEPTIONS[error.code] ?? { type: 'epcisException:ImplementationException', status: 500 };
  return reply.code(exception.status).type('application/problem+json').send({
    type: exception.type,
    title: error.code,
    status: exception.status,
    detail: error.message,
    code: error.code,
  });
}
