import { z } from 'zod';

// STUB (owned by the debounce work, issue 4): portals and shelves with their parameters.
export const DebounceConfigSchema = z
  .object({
    portals: z.array(z.object({ id: z.string() }).passthrough()).default([]),
    shelves: z.array(z.object({ id: z.string() }).passthrough()).default([]),
  })
  .strict();
export type DebounceConfig = z.infer<typeof DebounceConfigSchema>;
