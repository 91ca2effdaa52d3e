import { z } from 'zod';

/**
 * One entry per reader in the gateway config (`readers: [...]`), discriminated on
 * `protocol`. Every option has a default that works for the lab; see docs/readers.md.
 */
const ReaderId = z
  .string()
  .regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+')
  .max(64);

export const ReconnectConfigSchema = z
  .object({
    /** First retry delay after a lost connection. */
    initialDelayMs: z.number().int().min(10).max(60_000).default(500),
    /** Ceiling of the exponential backoff. */
    maxDelayMs: z.number().int().min(100).max(600_000).default(30_000),
    multiplier: z.number().min(1).max(10).default(2),
    /** Fraction of each delay drawn at random (subtracted, see shared/src/backoff.ts) so a fleet does not reconnect in lockstep. */
    jitterRatio: z.number().min(0).max(1).default(0.2),
  })
  .strict();
export type ReconnectConfig = z.infer<typeof ReconnectConfigSchema>;

const common = {
  id: ReaderId,
  reconnect: ReconnectConfigSchema.default({}),
  /** Added to every reported RSSI (cable loss calibration, or a model's fixed offset). */
  rssiOffsetDbm: z.number().min(-50).max(50).default(0),
};

const serialCommon = {
  /** Serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-… (stable across replugs). */
  device: z.string().min(1),
  /** Reply deadline; a silent reader past this counts as a failure and triggers reconnect after `failuresMax`. */
  responseTimeoutMs: z.number().int().min(50).max(30_000).default(1_000),
  /** Consecutive timeouts/bad frames before the port is closed and reopened. */
  failuresMax: z.number().int().min(1).max(100).default(3),
};

export const ChafonReaderConfigSchema = z
  .object({
    ...common,
    ...serialCommon,
    protocol: z.literal('chafon'),
    baudRate: z.number().int().default(57_600),
    /** Reader address byte; 0xFF = broadcast (any reader on a point-to-point link). */
    address: z.number().int().min(0).max(255).default(0xff),
    /** Pause between inventory commands (the protocol is request/response, so the gateway polls). */
    pollIntervalMs: z.number().int().min(0).max(60_000).default(50),
    /** UHFReader288 replies carry antenna + RSSI per tag; UHFReader18 (CF-RU5102 firmware) replies carry neither. */
    variant: z.enum(['uhfreader288', 'uhfreader18']).default('uhfreader288'),
    /** RSSI reported for UHFReader18 replies, which have none (debounce needs a number). */
    rssiDefaultDbm: z.number().min(-120).max(0).default(-60),
  })
  .strict();

export const ThingMagicReaderConfigSchema = z
  .object({
    ...common,
    ...serialCommon,
    protocol: z.literal('thingmagic'),
    baudRate: z.number().int().default(115_200),
    /** Antenna ports to read (M6e Nano has one; M6e/M7e up to four). */
    antennas: z.array(z.number().int().min(1).max(16)).min(1).default([1]),
    /** Keep-alives arrive ~1/s in continuous mode; silence longer than this means the link is dead. */
    keepAliveTimeoutMs: z.number().int().min(500).max(60_000).default(5_000),
  })
  .strict();

export const OpcUaReaderConfigSchema = z
  .object({
    ...common,
    protocol: z.literal('opcua'),
    endpointUrl: z.string().regex(/^opc\.tcp:\/\//, 'must start with opc.tcp://'),
    /** BrowseName of the RfidReaderDeviceType instance under Objects/DeviceSet; default: the first one found. */
    deviceName: z.string().min(1).optional(),
    /** `subscription`: ScanStart + RfidScanEventType events. `poll`: call Scan repeatedly. */
    mode: z.enum(['subscription', 'poll']).default('subscription'),
    /** Poll mode: Scan duration per call. */
    scanDurationMs: z.number().int().min(10).max(60_000).default(500),
    /** Poll mode: pause between Scan calls. */
    pollIntervalMs: z.number().int().min(0).max(60_000).default(0),
    /** How the server reports Sighting.Strength: dBm, dBm×10 or dBm×100 (readers differ). */
    strengthScale: z.enum(['dbm', 'dbm10', 'dbm100']).default('dbm'),
    securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
    securityPolicy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).default('None'),
    /** Client certificate and key (PEM) for Sign/SignAndEncrypt; node-opcua creates a self-signed pair in pkiDir when omitted. */
    certificateFile: z.string().optional(),
    privateKeyFile: z.string().optional(),
    /** Client PKI folder (own/, trusted/, rejected/); default: node-opcua's per-user folder. */
    pkiDir: z.string().optional(),
    /** Trust a server certificate not yet in pkiDir/trusted (lab only: production copies it there). */
    trustUnknownServerCertificate: z.boolean().default(false),
    username: z.string().optional(),
    password: z.string().optional(),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict();

export const SimulatedReaderConfigSchema = z
  .object({
    ...common,
    protocol: z.literal('simulated'),
    /** Scenario file path (YAML/JSON), or the scenario object inline. */
    scenario: z.union([z.string().min(1), z.record(z.unknown())]),
    /** Which of the scenario's readers this driver plays; default: the reader with the same id, else the first. */
    scenarioReaderId: z.string().optional(),
    seed: z.number().int().default(1),
    /** Repeat the scenario forever with fresh serials each loop. */
    loop: z.boolean().default(true),
    /** Time scale: 2 plays twice as fast. */
    speed: z.number().min(0.01).max(1_000).default(1),
  })
  .strict();

/** Power, session and report settings of an LLRP fixed reader (Impinj R420/R700/R660, Zebra FX7500/FX9600/ATR7000). */
const LlrpGpiTriggerSchema = z
  .object({
    /** GPI port whose change starts the ROSpec (a photo-eye or motion sensor wired to the reader). */
    startPort: z.number().int().min(1).max(64),
    /** Start when the input goes high (beam broken); false: when it goes low. */
    startOnHigh: z.boolean().default(true),
    /** GPI port whose change stops the ROSpec; default: the start port. */
    stopPort: z.number().int().min(1).max(64).optional(),
    /** Stop when the input goes high; default false: stop when the beam clears. */
    stopOnHigh: z.boolean().default(false),
    /** Stop anyway this long after the start if the stop input never fires (a stuck sensor); 0 = never. */
    timeoutMs: z.number().int().min(0).max(3_600_000).default(10_000),
  })
  .strict();

export const LlrpReaderConfigSchema = z
  .object({
    ...common,
    protocol: z.literal('llrp'),
    /** Reader host name or IP address. */
    host: z.string().min(1),
    /** LLRP TCP port (5084 is IANA's; 5085 is LLRP over TLS, not supported here). */
    port: z.number().int().min(1).max(65535).default(5084),
    /** Antenna ports to read; empty = every antenna the reader reports. */
    antennas: z.array(z.number().int().min(1).max(64)).max(64).default([]),
    /** Transmit power in dBm, mapped to the nearest level not above it in the reader's power table; unset = reader default. */
    powerDbm: z.number().min(0).max(36).optional(),
    /** C1G2 session 0–3: dock doors use 1 (tags stay quiet ~0.5–5 s after a read), dense shelves 2 or 3; unset = reader default. */
    session: z.number().int().min(0).max(3).optional(),
    /** Impinj inventory search mode (Impinj readers with impinjExtensions only); unset = reader default. */
    searchMode: z.enum(['single-target', 'dual-target', 'single-target-suppression']).optional(),
    /** Tags expected in the field at once (sizes the reader's Q algorithm); unset = reader default. */
    tagPopulation: z.number().int().min(1).max(65_535).optional(),
    report: z
      .object({
        /** A report after every N tags (ROReportSpec N); 1 keeps read times close to the gateway receive time. 0 = only on the timer. */
        everyTags: z.number().int().min(0).max(65_535).default(1),
        /** Also ask for the buffered reports (GET_REPORT) this often; 0 = off. */
        intervalMs: z.number().int().min(0).max(60_000).default(0),
      })
      .strict()
      .default({}),
    /** Start/stop inventory on a GPI (photo-eye) instead of reading all the time. */
    gpiTrigger: LlrpGpiTriggerSchema.optional(),
    /** Reader KEEPALIVE period; the gateway acknowledges each one. */
    keepaliveMs: z.number().int().min(500).max(300_000).default(5_000),
    /** Keepalive periods without any message before the link is declared dead and reconnected. */
    keepaliveMissedMax: z.number().int().min(1).max(20).default(3),
    /** Deadline for each request's response (capabilities, config, ROSpec commands). */
    responseTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
    /** Reconnect backoff resets only after the link has stayed up this long (a reader that drops every session backs off). */
    healthyAfterMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Turn on Impinj's LLRP extensions (ImpinjPeakRSSI in dBm×100, search mode); Impinj readers only. */
    impinjExtensions: z.boolean().default(false),
    /** SET_READER_CONFIG ResetToFactoryDefault before configuring (clears settings a previous client left). */
    resetToFactoryDefault: z.boolean().default(false),
    /** Vendor hint: `auto` trusts the manufacturer in the reader's capabilities. */
    vendor: z.enum(['auto', 'impinj', 'zebra', 'generic']).default('auto'),
    /** Largest LLRP message accepted; bigger ones are counted as bad and skipped. */
    messageBytesMax: z.number().int().min(1_024).max(16_777_216).default(1_048_576),
    /** RSSI reported for tag reports that carry none (debounce needs a number). */
    rssiDefaultDbm: z.number().min(-120).max(0).default(-70),
  })
  .strict();

/** An MQTT broker the reader publishes to (the reader's own broker setting points at the same one). */
export const ReaderMqttSourceSchema = z
  .object({
    /** mqtt://host:1883 or mqtts://host:8883. */
    url: z.string().regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://'),
    /** Topic (filter) the reader publishes its tag/data events on. */
    topic: z.string().min(1).max(256),
    /** Optional second topic for management events (Zebra GPI, heartbeats) when they go elsewhere. */
    eventsTopic: z.string().min(1).max(256).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    /** Default: stockwire-<reader id>. */
    clientId: z.string().min(1).max(128).optional(),
    /** MQTT keep-alive; a dead broker link is noticed within ~1.5× this. */
    keepAliveSeconds: z.number().int().min(5).max(600).default(30),
  })
  .strict();

/** Late/repeated read handling shared by readers that buffer and replay (see readers/push/ordering.ts). */
const replayFields = {
  /** A read older than this (reader clock, skew-corrected) is late: its pass is over, so it is dropped and counted. */
  lateReadAgeMaxMs: z.number().int().min(1_000).max(86_400_000).default(10_000),
  /** Nothing but late reads for this long means the reader clock was set back: relearn the skew. */
  skewRelearnMs: z.number().int().min(10_000).max(86_400_000).default(600_000),
  /** Tag×antenna pairs remembered for the never-backwards rule. */
  tagsTrackedMax: z.number().int().min(100).max(1_000_000).default(50_000),
  /** Longest single JSON message (line, MQTT payload or webhook body) accepted. */
  messageBytesMax: z
    .number()
    .int()
    .min(1_024)
    .max(64 * 1024 * 1024)
    .default(4 * 1024 * 1024),
};

export const ImpinjIotReaderConfigSchema = z
  .object({
    ...common,
    ...replayFields,
    protocol: z.literal('impinj-iot'),
    /** `http-stream`: GET /api/v1/data/stream; `mqtt`: the reader's MQTT output; `webhook`: the reader POSTs to us. */
    transport: z.enum(['http-stream', 'mqtt', 'webhook']).default('http-stream'),
    /** Reader REST base, e.g. https://r700-1.local (needed for http-stream and presetId). */
    baseUrl: z
      .string()
      .regex(/^https?:\/\/[^/]+$/, 'must be http(s)://host[:port] without a path')
      .optional(),
    /** REST user (the R700 ships with root / impinj: change it). */
    username: z.string().optional(),
    password: z.string().optional(),
    /** The reader writes a keep-alive line every ~30 s: silence this long means the stream is dead. */
    silenceTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(90_000),
    /** REST call deadline (preset start/stop, opening the stream). */
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Inventory preset started at start() and stopped at stop(); unset: the reader runs what it was told. */
    presetId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .optional(),
    mqtt: ReaderMqttSourceSchema.optional(),
    /** Webhook transport: where the gateway listens for the reader's POSTs. */
    webhook: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: z.number().int().min(0).max(65_535),
        path: z.string().regex(/^\//).default('/'),
        /** HTTP Basic credentials the reader's webhook must send (set the same on the reader); unset: no check. */
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const ZebraIotReaderConfigSchema = z
  .object({
    ...common,
    ...replayFields,
    protocol: z.literal('zebra-iot'),
    /** The IoT Connector's data (and optionally management events) MQTT endpoint. */
    mqtt: ReaderMqttSourceSchema,
  })
  .strict();

/** Per-transport requirements of the Impinj driver, checked after the union picked the member. */
function checkImpinjTransport(config: z.infer<typeof ImpinjIotReaderConfigSchema>, context: z.RefinementCtx): void {
  const need = (present: unknown, path: string, why: string): void => {
    if (present === undefined) context.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: why });
  };
  if (config.transport === 'http-stream') need(config.baseUrl, 'baseUrl', 'http-stream transport needs baseUrl');
  if (config.transport === 'mqtt') need(config.mqtt, 'mqtt', 'mqtt transport needs mqtt {url, topic}');
  if (config.transport === 'webhook') need(config.webhook, 'webhook', 'webhook transport needs webhook {port}');
  if (config.presetId !== undefined) need(config.baseUrl, 'baseUrl', 'presetId needs baseUrl (the REST API)');
}

export const ReaderConfigSchema = z
  .discriminatedUnion('protocol', [
    ChafonReaderConfigSchema,
    ThingMagicReaderConfigSchema,
    OpcUaReaderConfigSchema,
    SimulatedReaderConfigSchema,
    LlrpReaderConfigSchema,
    ImpinjIotReaderConfigSchema,
    ZebraIotReaderConfigSchema,
  ])
  // Cross-field check kept outside the members: discriminatedUnion needs plain objects.
  .superRefine((config, context) => {
    if (config.protocol === 'impinj-iot') checkImpinjTransport(config, context);
    if (config.protocol === 'opcua' && (config.securityMode === 'None') !== (config.securityPolicy === 'None')) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['securityPolicy'],
        message:
          'securityMode and securityPolicy must both be None, or both set (e.g. SignAndEncrypt + Basic256Sha256)',
      });
    }
  });
export type ReaderConfig = z.infer<typeof ReaderConfigSchema>;
export type ChafonReaderConfig = z.infer<typeof ChafonReaderConfigSchema>;
export type ThingMagicReaderConfig = z.infer<typeof ThingMagicReaderConfigSchema>;
export type OpcUaReaderConfig = z.infer<typeof OpcUaReaderConfigSchema>;
export type SimulatedReaderConfig = z.infer<typeof SimulatedReaderConfigSchema>;
export type LlrpReaderConfig = z.infer<typeof LlrpReaderConfigSchema>;
export type ReaderProtocol = ReaderConfig['protocol'];
export type ImpinjIotReaderConfig = z.infer<typeof ImpinjIotReaderConfigSchema>;
export type ZebraIotReaderConfig = z.infer<typeof ZebraIotReaderConfigSchema>;
export type ReaderMqttSource = z.infer<typeof ReaderMqttSourceSchema>;
