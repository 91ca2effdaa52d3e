import { z } from 'zod';

// STUB (owned by the daemon work, issue 6): durable outbox location and bounds.
export const OutboxConfigSchema = z
  .object({
    path: z.string().default('var/gateway-outbox.sqlite'),
  })
  .strict();
export type OutboxConfig = z.infer<typeof OutboxConfigSchema>;
