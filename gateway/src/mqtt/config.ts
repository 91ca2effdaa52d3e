import { z } from 'zod';

/**
 * How the gateway talks to the broker. The client id is always the gateway id
 * (the broker's ACL ties the two together), the session is persistent
 * (`clean: false`), movement events go out at QoS 1 from the durable outbox.
 */
export const MqttTlsConfigSchema = z
  .object({
    /** PEM file of the CA that signed the broker's certificate. */
    caFile: z.string().min(1).optional(),
    /** PEM client certificate and key for mutual TLS (both or neither). */
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** Verify the broker's certificate. Turning this off defeats TLS; only for lab setups. */
    rejectUnauthorized: z.boolean().default(true),
    /** Server name to verify when the URL host is an IP address. */
    serverName: z.string().min(1).optional(),
  })
  .strict()
  .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
    message: 'certFile and keyFile go together: set both for mutual TLS, or neither',
    path: ['keyFile'],
  });

export const MqttReconnectConfigSchema = z
  .object({
    /** Delay before the first reconnect attempt. */
    initialDelayMs: z.number().int().positive().default(1_000),
    /** Ceiling of the exponential backoff. */
    maxDelayMs: z.number().int().positive().default(60_000),
    /** Fraction of each delay that is randomised, so a fleet does not reconnect in lockstep after a broker restart. */
    jitterRatio: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const MqttConfigSchema = z
  .object({
    /** `mqtt://host:1883` or `mqtts://host:8883` (TLS). */
    url: z
      .string()
      .regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'must look like mqtt://host:1883 or mqtts://host:8883')
      .default('mqtt://127.0.0.1:1883'),
    username: z.string().min(1).optional(),
    /** Prefer `passwordFile`: config files get copied around, secrets should not. */
    password: z.string().min(1).optional(),
    /** File holding the password (first line, trimmed); readable only by the gateway user. */
    passwordFile: z.string().min(1).optional(),
    tls: MqttTlsConfigSchema.optional(),
    /** MQTT keepalive; the broker declares the gateway dead (and publishes its will) after 1.5×. */
    keepaliveSeconds: z.number().int().min(5).max(3_600).default(30),
    connectTimeoutMs: z.number().int().positive().default(10_000),
    reconnect: MqttReconnectConfigSchema.default({}),
    /** Events per EPCIS document (one MQTT message); ~40 keeps messages small and throughput high. */
    eventsPerMessageMax: z.number().int().min(1).max(1_000).default(40),
    /** Upper bound of one message's payload; a single larger event still goes alone. */
    messageBytesMax: z
      .number()
      .int()
      .min(1_024)
      .default(256 * 1024),
    /** QoS 1 messages published and not yet acknowledged (pipelining window). */
    inflightMessagesMax: z.number().int().min(1).max(1_000).default(32),
    /**
     * When an event may leave the outbox: `puback` (the broker has it) or `cloud` (the cloud's
     * retained committed watermark covers it: end-to-end confirmation, which survives a broker
     * that dies before persisting what it acked). `cloud` needs a stockwire cloud on the broker.
     */
    confirmation: z.enum(['puback', 'cloud']).default('puback'),
    /** With `cloud`: acked events not confirmed for this long are sent again (they were lost on the way). */
    confirmTimeoutMs: z.number().int().min(100).max(3_600_000).default(15_000),
  })
  .strict()
  .refine((mqtt) => !(mqtt.password !== undefined && mqtt.passwordFile !== undefined), {
    message: 'set password or passwordFile, not both',
    path: ['passwordFile'],
  });
export type MqttConfig = z.infer<typeof MqttConfigSchema>;
