import { readBoundedFile } from '../../../shared/src/config/load.js';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { backoffDelayMs } from '../../../shared/src/backoff.js';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { raise, StockwireError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import type { MqttConfig } from './config.js';
import { MqttErrors } from './errors.js';

export interface MqttIdentity {
  siteId: string;
  gatewayId: string;
}

export interface WillMessage {
  topic: string;
  /** Built at each (re)connect, so the will carries a recent time. */
  payload: () => string;
}

export interface MqttConnection {
  readonly client: MqttClient;
  isConnected(): boolean;
  /** Connects count since start (1 after the first successful connect). */
  connects(): number;
  onConnect(listener: () => void): void;
  /** Ends the session cleanly (the broker then does not publish the will). */
  close(): Promise<void>;
}

/** Bounded and regular-file-checked like every config file: a symlink to /dev/zero fails fast. */
function readSecret(file: string, what: string, field: string): Buffer {
  try {
    return readBoundedFile(file);
  } catch (error) {
    const reason =
      error instanceof StockwireError ? error.message : ((error as NodeJS.ErrnoException).code ?? String(error));
    return raise(MqttErrors.SECRET_UNREADABLE, { what, file, field, reason }, error);
  }
}

/** Translates our config into mqtt.js options; secrets are read from files here, once. */
export function clientOptions(
  config: MqttConfig,
  identity: MqttIdentity,
  will: WillMessage | undefined,
): IClientOptions {
  const options: IClientOptions = {
    clientId: identity.gatewayId,
    // Persistent session: QoS 1 state survives a reconnect on the broker side.
    clean: false,
    protocolVersion: 4,
    keepalive: config.keepaliveSeconds,
    connectTimeout: config.connectTimeoutMs,
    // We reconnect ourselves (exponential backoff with jitter); mqtt.js only has a fixed period.
    reconnectPeriod: 0,
    // Never let mqtt.js queue while offline: the outbox is the queue (MQTT.js #607, #2015).
    queueQoSZero: false,
  };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  if (config.passwordFile !== undefined)
    options.password =
      readSecret(config.passwordFile, 'password', 'passwordFile').toString('utf8').split('\n')[0]?.trim() ?? '';
  if (config.tls !== undefined) {
    if (config.tls.caFile !== undefined) options.ca = readSecret(config.tls.caFile, 'CA certificate', 'tls.caFile');
    if (config.tls.certFile !== undefined)
      options.cert = readSecret(config.tls.certFile, 'client certificate', 'tls.certFile');
    if (config.tls.keyFile !== undefined) options.key = readSecret(config.tls.keyFile, 'client key', 'tls.keyFile');
    options.rejectUnauthorized = config.tls.rejectUnauthorized;
    if (config.tls.serverName !== undefined) options.servername = config.tls.serverName;
  }
  if (will !== undefined)
    options.will = { topic: will.topic, payload: Buffer.from(will.payload()), qos: 1, retain: true };
  return options;
}

/** The MQTT reconnect schema has no multiplier: its delays always double. */
const RECONNECT_MULTIPLIER = 2;

/**
 * One long-lived mqtt.js client with our reconnect policy. Reconnects keep
 * mqtt.js's in-memory stores so QoS 1 messages in flight at the drop are
 * re-sent on the new connection (bounded by inflightMessagesMax); anything
 * beyond that was never handed to mqtt.js and waits in the outbox.
 */
export function createMqttConnection(
  config: MqttConfig,
  identity: MqttIdentity,
  dependencies: { clock: Clock; logger: Logger; random?: () => number; will?: WillMessage },
): MqttConnection {
  const { clock, logger, will } = dependencies;
  const random = dependencies.random ?? Math.random;
  const client = mqtt.connect(config.url, clientOptions(config, identity, will));
  const connectListeners: (() => void)[] = [];
  let attempt = 0;
  let connectCount = 0;
  let closing = false;
  let reconnectTimer: TimerHandle | undefined;
  let lastErrorText = '';

  client.on('connect', (connack) => {
    attempt = 0;
    connectCount += 1;
    logger.info({ url: config.url, sessionPresent: connack.sessionPresent, connects: connectCount }, 'mqtt connected');
    for (const listener of connectListeners) listener();
  });
  client.on('error', (error) => {
    // Repeated identical errors (broker down) are logged once per outage.
    if (error.message !== lastErrorText) logger.warn({ err: error.message }, 'mqtt error');
    lastErrorText = error.message;
  });
  client.on('close', () => {
    if (closing || reconnectTimer !== undefined) return;
    const delayMs = backoffDelayMs({ ...config.reconnect, multiplier: RECONNECT_MULTIPLIER }, attempt, random());
    attempt += 1;
    logger.debug({ delayMs, attempt }, 'mqtt connection closed; reconnect scheduled');
    reconnectTimer = clock.setTimeout(() => {
      reconnectTimer = undefined;
      if (closing) return;
      if (will !== undefined && client.options.will) client.options.will.payload = Buffer.from(will.payload());
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delayMs);
  });

  return {
    client,
    isConnected: () => client.connected,
    connects: () => connectCount,
    onConnect(listener) {
      connectListeners.push(listener);
    },
    async close() {
      closing = true;
      reconnectTimer?.cancel();
      reconnectTimer = undefined;
      await new Promise<void>((resolve) => {
        // A clean DISCONNECT when connected; `force` only when there is no connection to be polite on.
        client.end(!client.connected, {}, () => resolve());
      });
    },
  };
}
