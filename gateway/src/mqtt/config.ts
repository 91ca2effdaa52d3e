import { z } from 'zod';

// STUB (owned by the daemon work, issue 6): broker URL, credentials, TLS, session.
export const MqttConfigSchema = z
  .object({
    url: z.string().default('mqtt://127.0.0.1:1883'),
    username: z.string().optional(),
    password: z.string().optional(),
  })
  .strict();
export type MqttConfig = z.infer<typeof MqttConfigSchema>;
