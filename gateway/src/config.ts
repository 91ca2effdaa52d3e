import { z } from 'zod';
import { ID_PATTERN, RESERVED_SITE_IDS } from '../../shared/src/contracts/topics.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import { deepFreeze, loadConfigFile } from '../../shared/src/config/load.js';
import { refineUniqueIds } from '../../shared/src/config/unique.js';
import { CountDigestConfigSchema } from './counts/config.js';
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
    siteId: z
      .string()
      .regex(ID_PATTERN, 'must match [a-z0-9-]+')
      .refine(
        (id) => !RESERVED_SITE_IDS.has(id),
        (id) => ({ message: `"${id}" is reserved for stockwire/v1/${id}/… topics; pick another site id` }),
      ),
    gatewayId: z.string().regex(ID_PATTERN, 'must match [a-z0-9-]+'),
    readers: z.array(ReaderConfigSchema).default([]),
    debounce: DebounceConfigSchema.default({}),
    /** Shelf counts on the wire: digests, full-set cadence (counts/config.ts). */
    counts: CountDigestConfigSchema.default({}),
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
  .strict()
  .superRefine((config, context) => refineUniqueIds(config.readers, (reader) => reader.id, ['readers'], 'id', context));
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/** Reader options that name files; relative ones are resolved like every other path in the file. */
const READER_PATH_KEYS = ['scenario', 'certificateFile', 'privateKeyFile', 'pkiDir'] as const;

/**
 * Relative paths in a config file are relative to the file's directory (as in the
 * cloud config), so `stockwire-gateway run --config …` behaves the same from any
 * working directory. Absolute paths are kept; applying it twice changes nothing.
 */
export function resolveConfigPaths(config: Readonly<GatewayConfig>, configDir: string): GatewayConfig {
  const from = (path: string): string => (isAbsolute(path) ? path : resolve(configDir, path));
  const tls = config.mqtt.tls;
  return {
    ...config,
    readers: config.readers.map((reader) => {
      const resolved: Record<string, unknown> = { ...reader };
      for (const key of READER_PATH_KEYS) {
        const value = resolved[key];
        if (typeof value === 'string') resolved[key] = from(value);
      }
      return resolved as typeof reader;
    }),
    mqtt: {
      ...config.mqtt,
      ...(config.mqtt.passwordFile !== undefined ? { passwordFile: from(config.mqtt.passwordFile) } : {}),
      ...(tls !== undefined
        ? {
            tls: {
              ...tls,
              ...(tls.caFile !== undefined ? { caFile: from(tls.caFile) } : {}),
              ...(tls.certFile !== undefined ? { certFile: from(tls.certFile) } : {}),
              ...(tls.keyFile !== undefined ? { keyFile: from(tls.keyFile) } : {}),
            },
          }
        : {}),
    },
    outbox: {
      ...config.outbox,
      path: config.outbox.path === ':memory:' ? config.outbox.path : from(config.outbox.path),
    },
  };
}

export function loadGatewayConfig(file: string): Readonly<GatewayConfig> {
  return deepFreeze(resolveConfigPaths(loadConfigFile(file, GatewayConfigSchema), dirname(resolve(file))));
}
