import { z } from 'zod';

/**
 * The cloud's end-to-end confirmation to one gateway, retained on
 * `stockwire/v1/<site>/<gateway>/committed`: every event with a sequence up to
 * `committedThrough` is committed to the ledger (or dead-lettered for good), so the
 * gateway may delete it from its outbox. A PUBACK only says the broker has it; a
 * broker that dies before its next autosave can still lose what it acked.
 */
export const CommittedSchema = z
  .object({
    committedThrough: z.number().int().nonnegative(),
    /** When the cloud published it (ISO 8601), for people reading the topic. */
    time: z.string().max(64),
  })
  .strict();

export type Committed = z.infer<typeof CommittedSchema>;
