import type { FastifyRequest } from 'fastify';
import type { Logger } from '../../../shared/src/log.js';

/**
 * Request logs never carry a query string: the dashboard passes its read token as
 * `?access_token=` (RFC 6750 §2.3, EventSource cannot send headers), and a token in an
 * info-level log is a token leaked to whoever reads the logs. The path stays, so the
 * log still says which endpoint was called.
 */
export function redactQuery(url: string): string {
  const index = url.indexOf('?');
  return index < 0 ? url : `${url.slice(0, index)}?[redacted]`;
}

/** A child of `logger` whose `req` serializer (fastify's request log) drops query strings. */
export function requestLoggerOf(logger: Logger): Logger {
  return logger.child(
    {},
    {
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactQuery(request.url),
          host: request.host,
          remoteAddress: request.ip,
        }),
      },
    },
  );
}
