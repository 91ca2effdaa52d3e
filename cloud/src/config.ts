import { z } from 'zod';
import { loadConfigFile } from '../../shared/src/config/load.js';
import { AnalyticsConfigSchema } from './analytics.js';
import { EpcisConfigSchema } from './epcis/config.js';
import { ReceivingConfigSchema } from './receiving/schemas.js';

const TlsFilesSchema = z
  .object({
    caFile: z.string().optional(),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict();

export const CloudMqttConfigSchema = z
  .object({
    url: z.string().default('mqtt://127.0.0.1:1883'),
    clientId: z.string().min(1).max(64).default('stockwire-cloud'),
    username: z.string().optional(),
    password: z.string().optional(),
    tls: TlsFilesSchema.optional(),
    /**
     * Scale-out: the MQTT 5 shared-subscription group this process joins with the other cloud
     * processes (`$share/<group>/…`; give each process its own `clientId`). Unset: one consumer, MQTT 3.1.1.
     */
    sharedGroup: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'must be a group name like stockwire-cloud')
      .optional(),
    /** With `sharedGroup`: how long a gateway's document waits for its predecessor (sequence gap) before it applies anyway. */
    reorderHoldMs: z.number().int().min(0).max(60_000).default(2_000),
  })
  .strict();

export const StoreConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('memory') }).strict(),
  z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('postgres'),
      url: z.string().min(1),
      poolSize: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
]);

export const HttpConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8080),
    /** Bearer tokens; `write` is needed for POST endpoints. */
    tokens: z
      .array(
        z
          .object({
            token: z.string().min(16, 'tokens need at least 16 characters'),
            scopes: z.array(z.enum(['read', 'write'])).min(1),
          })
          .strict(),
      )
      .default([]),
    /** Serve GET endpoints without a token (the demo on loopback; never on a public interface). */
    publicRead: z.boolean().default(false),
  })
  .strict();

export const IngestConfigSchema = z
  .object({
    /** Largest MQTT payload accepted; bigger ones are dead-lettered (a 1,000-event document is ~0.5 MB). */
    payloadBytesMax: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
    verifyEventIds: z.boolean().default(true),
    deadLetterPayloadBytesMax: z
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    storeRetryDelayMsMax: z.number().int().positive().default(30_000),
    trackedGatewaysMax: z.number().int().positive().default(100_000),
    /** Count digests: the cloud asks one shelf for its full EPC set at most this often (a lost request is retried at the next disagreement after it). */
    countDigestRequestIntervalMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
    /**
     * Gateways (`<site>/<gateway>`) allowed to book at other sites' locations, e.g. a
     * DC's shipping door that books straight into a store. Every other gateway books
     * only at its own site (docs/security.md, site binding).
     */
    crossSiteGateways: z
      .array(z.string().regex(/^[a-z0-9-]{1,64}\/[a-z0-9-]{1,64}$/, 'must be <site>/<gateway>, e.g. dc-1/ship-gw-1'))
      .max(1_000)
      .default([]),
  })
  .strict();

export const CloudConfigSchema = z
  .object({
    mqtt: CloudMqttConfigSchema.default({}),
    store: StoreConfigSchema.default({ kind: 'sqlite', path: 'var/ledger.sqlite' }),
    /** Products and locations (YAML); see config/catalog.example.yaml. */
    catalogFile: z.string().min(1),
    http: HttpConfigSchema.default({}),
    ingest: IngestConfigSchema.default({}),
    /** Time series (InfluxDB), alerts, forecast and dashboard: see docs/analytics.md. */
    analytics: AnalyticsConfigSchema.default({}),
    /** EPCIS 2.0 capture / query interface and forwarding: see docs/epcis.md. */
    epcis: EpcisConfigSchema.default({}),
    /** Dock-door receiving against ASNs and POs (per-site policy): see docs/receiving.md. */
    receiving: ReceivingConfigSchema.default({}),
  })
  .strict();

export type CloudConfig = z.infer<typeof CloudConfigSchema>;

export function loadCloudConfig(file: string): Readonly<CloudConfig> {
  return loadConfigFile(file, CloudConfigSchema);
}
