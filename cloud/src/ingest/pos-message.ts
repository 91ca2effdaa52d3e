import { formatIssues } from '../../../shared/src/zod-issues.js';
import { PosTransactionSchema, type PosTransaction } from '../../../shared/src/contracts/pos.js';
import { parsePosTopic } from '../../../shared/src/contracts/topics.js';
import { makeError, type StockwireError } from '../../../shared/src/errors.js';
import { PosErrors } from '../pos/errors.js';
import { IngestErrors } from './errors.js';

export type ValidatedPosMessage =
  { kind: 'pos'; transaction: PosTransaction } | { kind: 'not_pos' } | { kind: 'invalid'; error: StockwireError };

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Pure validation of a till message (`stockwire/v1/<site>/pos/<till>/transactions`): size, JSON, the shared
 * POS schema, and that the till publishes only as itself. Never throws; `not_pos` for every other topic.
 */
export function validatePosMessage(topic: string, payload: Buffer, payloadBytesMax: number): ValidatedPosMessage {
  const parsedTopic = parsePosTopic(topic);
  if (!parsedTopic) return { kind: 'not_pos' };
  if (parsedTopic.kind !== 'transactions')
    return { kind: 'invalid', error: makeError(PosErrors.UNKNOWN_TOPIC_KIND, { kind: parsedTopic.kind }) };
  if (payload.length > payloadBytesMax)
    return {
      kind: 'invalid',
      error: makeError(IngestErrors.PAYLOAD_TOO_LARGE, { bytes: payload.length, limit: payloadBytesMax }),
    };
  let json: unknown;
  try {
    json = JSON.parse(utf8Decoder.decode(payload));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', error: makeError(IngestErrors.NOT_JSON, { reason }) };
  }
  const parsed = PosTransactionSchema.safeParse(json);
  if (!parsed.success)
    return {
      kind: 'invalid',
      error: makeError(PosErrors.SCHEMA, { issues: formatIssues(parsed.error.issues.slice(0, 20)) }),
    };
  const { site, till } = parsed.data;
  if (site !== parsedTopic.siteId || till !== parsedTopic.tillId)
    return {
      kind: 'invalid',
      error: makeError(PosErrors.TOPIC_MISMATCH, {
        claimed: `${site}/${till}`,
        topicTill: `${parsedTopic.siteId}/${parsedTopic.tillId}`,
      }),
    };
  return { kind: 'pos', transaction: parsed.data };
}
