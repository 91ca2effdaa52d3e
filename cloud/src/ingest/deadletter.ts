import { z } from 'zod';

/** What the cloud publishes on `stockwire/v1/deadletter` for every refused message or event. */
export const DeadLetterSchema = z
  .object({
    code: z.string(),
    reason: z.string(),
    topic: z.string(),
    receivedAt: z.string(),
    /** Set when a single event inside an otherwise valid document was refused. */
    eventId: z.string().optional(),
    /** The original payload as text, cut at payloadBytesMax; base64 when not UTF-8. */
    payload: z.string(),
    payloadEncoding: z.enum(['utf8', 'base64']),
    payloadTruncated: z.boolean(),
  })
  .strict();
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function buildDeadLetter(input: {
  code: string;
  reason: string;
  topic: string;
  receivedAt: string;
  payload: Buffer;
  eventId?: string;
  payloadBytesMax: number;
}): DeadLetter {
  const truncated = input.payload.length > input.payloadBytesMax;
  const kept = truncated ? input.payload.subarray(0, input.payloadBytesMax) : input.payload;
  let text: string;
  let encoding: 'utf8' | 'base64';
  try {
    text = utf8Decoder.decode(kept);
    encoding = 'utf8';
  } catch {
    text = kept.toString('base64');
    encoding = 'base64';
  }
  const letter: DeadLetter = {
    code: input.code,
    reason: input.reason,
    topic: input.topic,
    receivedAt: input.receivedAt,
    payload: text,
    payloadEncoding: encoding,
    payloadTruncated: truncated,
  };
  if (input.eventId !== undefined) letter.eventId = input.eventId;
  return letter;
}
