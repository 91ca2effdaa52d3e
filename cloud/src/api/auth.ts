import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from './errors.js';

export type Scope = 'read' | 'write';
export interface ApiToken {
  token: string;
  scopes: Scope[];
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Bearer-token check. Tokens are compared as SHA-256 digests in constant time so
 * response timing does not leak how much of a guess matched.
 */
export function createAuthorizer(
  tokens: readonly ApiToken[],
  publicRead: boolean,
  options: { allowQueryToken?: boolean } = {},
) {
  const known = tokens.map((entry) => ({ digest: digest(entry.token), scopes: new Set(entry.scopes) }));
  return function authorize(request: FastifyRequest, reply: FastifyReply, scope: Scope): boolean {
    if (scope === 'read' && publicRead) return true;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    // The dashboard's EventSource cannot send headers: it may pass ?access_token= (RFC 6750 §2.3).
    const queryToken = options.allowQueryToken
      ? (request.query as Record<string, unknown> | undefined)?.['access_token']
      : undefined;
    const token = match?.[1] ?? (typeof queryToken === 'string' && queryToken.length > 0 ? queryToken : undefined);
    const presented = token ? digest(token) : undefined;
    const entry = presented ? known.find((candidate) => timingSafeEqual(candidate.digest, presented)) : undefined;
    if (!entry) {
      void reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ code: ApiErrors.UNAUTHORIZED.code, message: ApiErrors.UNAUTHORIZED.message });
      return false;
    }
    if (!entry.scopes.has(scope)) {
      void reply
        .code(403)
        .send({ code: ApiErrors.FORBIDDEN.code, message: ApiErrors.FORBIDDEN.message.replace('{scope}', scope) });
      return false;
    }
    return true;
  };
}
