import type { FastifyInstance } from 'fastify';
import { makeError, type StockwireError } from '../../../shared/src/errors.js';
import { ApiErrors } from './errors.js';

/**
 * The API's own JSON body parser (issue 12). fastify's default decodes invalid UTF-8
 * into replacement characters (MQTT refuses such bytes, so the two doors disagreed)
 * and reports a `__proto__` key as "not valid JSON". Here: bytes must be UTF-8, text
 * must be JSON, and keys that could reach an object's prototype are refused by name.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export type BodyOutcome = { ok: true; value: unknown } | { ok: false; error: StockwireError };

export function parseJsonBody(bytes: Buffer): BodyOutcome {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    return { ok: false, error: makeError(ApiErrors.BODY_NOT_UTF8) };
  }
  let forbidden: string | undefined;
  let value: unknown;
  try {
    // The reviver sees every key at every depth without recursion of our own.
    value = JSON.parse(text, (key, entry: unknown) => {
      if (forbidden === undefined && FORBIDDEN_KEYS.has(key)) forbidden = key;
      return entry;
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: makeError(ApiErrors.BODY_NOT_JSON, { reason }) };
  }
  if (forbidden !== undefined) return { ok: false, error: makeError(ApiErrors.BODY_FORBIDDEN_KEY, { key: forbidden }) };
  return { ok: true, value };
}

/** Replaces fastify's application/json parser; refusals answer 400 `{ code, message }`. */
export function registerStrictJsonParser(
  app: Pick<FastifyInstance, 'removeContentTypeParser' | 'addContentTypeParser'>,
  bodyLimitBytes: number,
): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: bodyLimitBytes },
    (_request, body: Buffer, done) => {
      const outcome = parseJsonBody(body);
      if (outcome.ok) return done(null, outcome.value);
      return done(Object.assign(outcome.error, { statusCode: 400 }), undefined);
    },
  );
}
