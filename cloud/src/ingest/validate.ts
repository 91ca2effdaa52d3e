import { formatIssues } from '../../../shared/src/zod-issues.js';
import { verifyEventIds } from '../../../shared/src/contracts/event-id.js';
import { CommittedSchema } from '../../../shared/src/contracts/committed.js';
import { type EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { safeParseEpcisDocument } from '../../../shared/src/contracts/epcis-fast-path.js';
import { GatewayStatusSchema, type GatewayStatus } from '../../../shared/src/contracts/status.js';
import { parseGatewayTopic } from '../../../shared/src/contracts/topics.js';
import { makeError, type StockwireError } from '../../../shared/src/errors.js';
import { IngestErrors } from './errors.js';

export interface ValidateOptions {
  payloadBytesMax: number;
  /** Recompute each eventID from its content and refuse mismatches (our gateways' ids are deterministic). */
  verifyEventIds: boolean;
}

export type ValidatedMessage =
  | { kind: 'events'; siteId: string; gatewayId: string; document: EpcisDocument }
  | { kind: 'status'; siteId: string; gatewayId: string; status: GatewayStatus | null }
  | { kind: 'committed'; siteId: string; gatewayId: string; committedThrough: number }
  | { kind: 'ignored' }
  | { kind: 'invalid'; error: StockwireError };

/** The events a document claims to carry, read leniently from a document that failed validation. */
export interface SequenceRange {
  firstSequence: number;
  count: number;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Pure validation of one MQTT message: topic, size, JSON, schema, identity.
 * Never throws for bad input; returns `invalid` with a coded error instead.
 */
export function validateMessage(topic: string, payload: Buffer, options: ValidateOptions): ValidatedMessage {
  const parsedTopic = parseGatewayTopic(topic);
  if (!parsedTopic) return invalid(IngestErrors.UNKNOWN_TOPIC, { topic });
  // Diagnostic raw reads are QoS 0 samples for people, not for the ledger; commands are our own, to gateways.
  if (parsedTopic.kind === 'reads' || parsedTopic.kind === 'commands') return { kind: 'ignored' };
  const { siteId, gatewayId } = parsedTopic;
  // An empty retained status clears it (MQTT convention), not an error.
  if (parsedTopic.kind === 'status' && payload.length === 0) return { kind: 'status', siteId, gatewayId, status: null };
  if (payload.length > options.payloadBytesMax)
    return invalid(IngestErrors.PAYLOAD_TOO_LARGE, { bytes: payload.length, limit: options.payloadBytesMax });

  let json: unknown;
  try {
    json = JSON.parse(utf8Decoder.decode(payload));
  } catch (error) {
    return invalid(IngestErrors.NOT_JSON, { reason: error instanceof Error ? error.message : String(error) });
  }

  if (parsedTopic.kind === 'committed') {
    // Our own retained watermark, read back after a restart; anything else there is ignored.
    const committed = CommittedSchema.safeParse(json);
    if (!committed.success) return { kind: 'ignored' };
    return { kind: 'committed', siteId, gatewayId, committedThrough: committed.data.committedThrough };
  }

  if (parsedTopic.kind === 'status') {
    const status = GatewayStatusSchema.safeParse(json);
    if (!status.success) return invalid(IngestErrors.STATUS_SCHEMA, { issues: formatIssues(status.error.issues) });
    if (status.data.gatewayId !== gatewayId || status.data.siteId !== siteId) {
      return invalid(IngestErrors.GATEWAY_MISMATCH, {
        claimed: `${status.data.siteId}/${status.data.gatewayId}`,
        topicGateway: `${siteId}/${gatewayId}`,
      });
    }
    return { kind: 'status', siteId, gatewayId, status: status.data };
  }

  return validateDocument(json, siteId, gatewayId, options);
}

function validateDocument(
  json: unknown,
  siteId: string,
  gatewayId: string,
  options: ValidateOptions,
): ValidatedMessage {
  // The fast path answers for plainly valid documents (the gateways' own); anything else gets the full schema.
  const document = safeParseEpcisDocument(json);
  if (!document.success)
    return invalid(IngestErrors.SCHEMA, { issues: formatIssues(document.error.issues.slice(0, 20)) });
  const claimed = document.data['stockwire:gateway'];
  if (claimed !== undefined && claimed !== gatewayId)
    return invalid(IngestErrors.GATEWAY_MISMATCH, { claimed, topicGateway: gatewayId });
  if (options.verifyEventIds) {
    // The CBV 2.0 hash, or the wave-1 id that gateways not yet upgraded still send; every id recomputed.
    const mismatch = verifyEventIds(document.data);
    if (mismatch !== undefined) return invalid(IngestErrors.EVENT_ID_MISMATCH, { ...mismatch });
  }
  return { kind: 'events', siteId, gatewayId, document: document.data };
}

function invalid(
  definition: { code: string; message: string },
  details: Record<string, string | number>,
): ValidatedMessage {
  return { kind: 'invalid', error: makeError(definition, details) };
}

/**
 * Sequence numbers of a document that failed validation, when it still says them: dead-lettered
 * for good, it must not hold back its gateway's end-to-end confirmation forever.
 */
export function claimedSequence(payload: Buffer): SequenceRange | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as { 'stockwire:sequence'?: unknown; epcisBody?: { eventList?: unknown } };
  const firstSequence = record['stockwire:sequence'];
  const eventList = record.epcisBody?.eventList;
  if (typeof firstSequence !== 'number' || !Number.isSafeInteger(firstSequence) || firstSequence < 0) return undefined;
  if (!Array.isArray(eventList) || eventList.length === 0) return undefined;
  return { firstSequence, count: eventList.length };
}
