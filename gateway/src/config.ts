import { z } from 'zod';
import { ID_PATTERN } from '../../shared/src/contracts/topics.js';
import { loadConfigFile } from '../../shared/src/config/load.js';
import { DebounceConfigSchema } from './debounce/config.js';
import { ReaderConfigSchema } from './readers/config.js';
import { MqttConfigSchema } from './mqtt/config.js';
import { OutboxConfigSchema } from './outbox/config.js';
import { WatchdogConfigSchema } from './systemd/config.js';

/**
 * The gateway's one config file (YAML or JSON). Each part owns its sub-schema
 * beside its code; this file only composes them.
 */
export const GatewayConfigSchema = z
  .object({
    siteId: z.string().regex(ID_PATTERN, 'must match [a-z0-9-]+'),
    gatewayId: z.string().regex(ID_PATTERN, 'must match [a-z0-9-]+'),
    readers: z.array(ReaderConfigSchema).default([]),
    debounce: DebounceConfigSchema.default({}),
    mqtt: MqttConfigSchema.default({}),
    outbox: OutboxConfigSchema.default({}),
    /** Period of the retained `online` status (heartbeat) and of systemd's STATUS= line. */
    statusIntervalMs: z.number().int().min(100).default(30_000),
    /** How long start-up waits for readers to connect before declaring READY anyway (they keep reconnecting). */
    readerConnectTimeoutMs: z.number().int().positive().default(10_000),
    /** On SIGTERM, how long to wait for the outbox to drain to the broker; keep well under TimeoutStopSec=. */
    shutdownDrainMs: z.number().int().nonnegative().default(5_000),
    watchdog: WatchdogConfigSchema.default({}),
  })
  .strict();
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export function loadGatewayConfig(file: string): Readonly<GatewayConfig> {
  return loadConfigFile(file, GatewayConfigSchema);
}
