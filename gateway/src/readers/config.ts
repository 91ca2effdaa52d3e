import { z } from 'zod';

// STUB (owned by the reader work, issue 7): one entry per reader, discriminated on `protocol`.
export const ReaderConfigSchema = z.object({ id: z.string(), protocol: z.string() }).passthrough();
export type ReaderConfig = z.infer<typeof ReaderConfigSchema>;
