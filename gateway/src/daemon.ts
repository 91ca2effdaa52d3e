import type { Clock, TimerHandle } from '../../shared/src/clock.js';
import type { EpcisEvent } from '../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../shared/src/contracts/raw-read.js';
import type { ReaderHealth } from '../../shared/src/contracts/status.js';
import { CommittedSchema } from '../../shared/src/contracts/committed.js';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { errorMessage } from '../../shared/src/errors.js';
import type { Logger } from '../../shared/src/log.js';
import type { GatewayConfig } from './config.js';
import type { BeamFault, BeamInput } from './debounce/beams.js';
import type { DebounceConfig } from './debounce/config.js';
import { createMqttConnection, type MqttConnection } from './mqtt/connection.js';
import { createPublisher, type Publisher, type PublisherStats } from './mqtt/publisher.js';
import { createOutbox, type Outbox, type OutboxFill } from './outbox/outbox.js';
import { openSqliteOutboxStore } from './outbox/sqlite-store.js';
import type { OutboxStore } from './outbox/store.js';
import type { GpiEvent, ReaderDriver } from './readers/driver.js';
import type { ReaderConfig } from './readers/config.js';
import { withBeamFaults } from './status/beam-faults.js';
import { buildGatewayStatus, statusLine } from './status/status.js';
import { gatewayVersion } from './status/version.js';
import type { Notifier } from './systemd/notify.js';
import { watchdogVerdict } from './systemd/watchdog.js';

/** What the daemon needs from the debounce engine (gateway/src/debounce/engine.ts). */
export interface DebounceEngineLike {
  ingest(read: RawRead, nowMs: number): EpcisEvent[];
  tick(nowMs: number): EpcisEvent[];
  flush(nowMs: number): EpcisEvent[];
  reconfigure(config: DebounceConfig): void;
  /** Photo-eye beams (optional: engines without portals beams ignore GPI). */
  ingestBeam?(beam: BeamInput, nowMs: number): void;
  beamFaults?(): BeamFault[];
}

/** Factories for the parts other modules own; tests inject their own. */
export interface GatewayParts {
  createEngine(config: Readonly<GatewayConfig>): DebounceEngineLike;
  createReader(readerConfig: ReaderConfig, context: { clock: Clock; logger: Logger }): ReaderDriver;
  openOutboxStore?(config: Readonly<GatewayConfig>): OutboxStore;
}

export interface GatewayDaemonOptions {
  config: Readonly<GatewayConfig>;
  parts: GatewayParts;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  /** Loads the config again for SIGHUP; throws a coded error on a bad file. */
  reloadConfig?: () => Readonly<GatewayConfig>;
  random?: () => number;
}

export type ReloadOutcome = { kind: 'reloaded'; readersRestarted: string[] } | { kind: 'rejected'; reason: string };

export interface GatewayDaemon {
  start(): Promise<void>;
  stop(reason: string): Promise<void>;
  reload(): Promise<ReloadOutcome>;
  /** Runs one loop iteration now (tests drive it with a ManualClock as well). */
  tick(): void;
  readersHealth(): ReaderHealth[];
  outboxFill(): OutboxFill;
  publisherStats(): PublisherStats;
  /** Reads taken and refused, failed appends, events lost past PENDING_EVENTS_MAX. */
  counters(): DaemonCounters;
  isConnected(): boolean;
}

export interface DaemonCounters {
  readsIngested: number;
  readsRejected: number;
  appendFailures: number;
  pendingDropped: number;
}

/** Events kept in RAM when an outbox append fails (disk full, I/O error), retried every tick. */
export const PENDING_EVENTS_MAX = 10_000;
const READER_STOP_TIMEOUT_MS = 2_000;
const STATUS_ACK_TIMEOUT_MS = 1_000;

interface ReaderSlot {
  config: ReaderConfig;
  driver: ReaderDriver;
  downSinceMs: number | null;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, clock: Clock): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve('timeout'), timeoutMs);
    promise.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error);
      },
    );
  });
}

/**
 * The imperative shell of the gateway: readers → debounce engine → durable
 * outbox → pipelined MQTT publisher, plus status, watchdog, reload and
 * shutdown. Owns every timer; the engine and the bound/health rules are pure.
 */
export function createGatewayDaemon(options: GatewayDaemonOptions): GatewayDaemon {
  const { clock, logger, notifier, parts } = options;
  let config = options.config;
  const identity = { siteId: config.siteId, gatewayId: config.gatewayId };
  const version = gatewayVersion();
  const statusTopic = gatewayTopic(identity.siteId, identity.gatewayId, 'status');

  let outbox: Outbox | undefined;
  let engine: DebounceEngineLike | undefined;
  let connection: MqttConnection | undefined;
  let publisher: Publisher | undefined;
  let readers: ReaderSlot[] = [];
  const timers: TimerHandle[] = [];
  let pending: EpcisEvent[] = [];
  let lastTickMs = clock.nowMs();
  let paused = false;
  let nearlyFullWarned = false;
  let stopping = false;
  let watchdogHealthy = true;
  const counters: DaemonCounters = { readsIngested: 0, readsRejected: 0, appendFailures: 0, pendingDropped: 0 };

  const requireStarted = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('invariant violated: the gateway daemon is not started');
    return value;
  };

  const store = (events: readonly EpcisEvent[]): void => {
    const outboxNow = requireStarted(outbox);
    if (events.length > 0) pending.push(...events);
    if (pending.length === 0) return;
    try {
      const outcome = outboxNow.append(pending);
      if (outcome.droppedForRoom > 0)
        logger.warn(
          { dropped: outcome.droppedForRoom },
          'outbox full: dropped the oldest events (overflowPolicy dropOldest)',
        );
      pending = [];
      publisher?.pump();
    } catch (error) {
      counters.appendFailures += 1;
      logger.error(
        { err: errorMessage(error), pending: pending.length },
        'outbox append failed; events kept in memory and retried',
      );
      if (pending.length > PENDING_EVENTS_MAX) {
        // Nothing else can hold them; say exactly how many movements were lost.
        const excess = pending.length - PENDING_EVENTS_MAX;
        pending = pending.slice(excess);
        counters.pendingDropped += excess;
        logger.error({ lost: excess }, 'in-memory pending events over the limit; oldest lost');
      }
    }
  };

  const onRead = (read: RawRead): void => {
    if (stopping) return;
    try {
      counters.readsIngested += 1;
      store(requireStarted(engine).ingest(read, clock.nowMs()));
    } catch (error) {
      counters.readsRejected += 1;
      // A reader spewing bad frames must not flood the journal: the first ten, then every thousandth.
      if (counters.readsRejected <= 10 || counters.readsRejected % 1_000 === 0) {
        logger.warn(
          { err: errorMessage(error), reader: read.reader, readsRejected: counters.readsRejected },
          'read rejected',
        );
      }
    }
  };

  const onGpi = (event: GpiEvent): void => {
    if (stopping) return;
    engine?.ingestBeam?.(
      { reader: event.readerId, port: event.port, state: event.state, time: event.timeMs },
      clock.nowMs(),
    );
  };

  const readersHealth = (): ReaderHealth[] =>
    withBeamFaults(
      readers.map((slot) => slot.driver.health()),
      engine?.beamFaults?.() ?? [],
    );

  const publishStatus = (state: 'online' | 'offline', callback?: () => void): void => {
    if (!connection?.isConnected()) {
      callback?.();
      return;
    }
    const status = buildGatewayStatus({
      state,
      ...identity,
      nowMs: clock.nowMs(),
      version,
      readers: readersHealth(),
      outbox: requireStarted(outbox).fill(),
    });
    connection.client.publish(statusTopic, JSON.stringify(status), { qos: 1, retain: true }, () => callback?.());
  };

  const summary = (): string =>
    statusLine({
      connected: connection?.isConnected() ?? false,
      readers: readersHealth(),
      outbox: requireStarted(outbox).fill(),
      eventsAcked: publisher?.stats().eventsAcked ?? 0,
      paused,
    });

  const startReader = async (slot: ReaderSlot): Promise<void> => {
    const connected = await withTimeout(
      slot.driver.connect().then(
        () => true,
        (error: unknown) => {
          logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader not reachable; it keeps trying');
          return false;
        },
      ),
      config.readerConnectTimeoutMs,
      clock,
    );
    if (connected === 'timeout') logger.warn({ reader: slot.config.id }, 'reader not connected yet; it keeps trying');
    try {
      // Always asked to start: a driver that is still connecting starts inventory once its link is up.
      await slot.driver.start();
    } catch (error) {
      logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader failed to start inventory');
    }
  };

  const closeReader = async (slot: ReaderSlot): Promise<void> => {
    try {
      await withTimeout(
        slot.driver.stop().then(() => slot.driver.close()),
        READER_STOP_TIMEOUT_MS,
        clock,
      );
    } catch (error) {
      logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader did not close cleanly');
    }
  };

  const makeReader = (readerConfig: ReaderConfig): ReaderSlot => {
    const driver = parts.createReader(readerConfig, { clock, logger });
    driver.onRead(onRead);
    driver.onGpi?.(onGpi);
    return { config: readerConfig, driver, downSinceMs: null };
  };

  const checkBound = (): void => {
    const fill = requireStarted(outbox).fill();
    if (fill.nearlyFull && !nearlyFullWarned)
      logger.warn(
        { depth: fill.depth, bytes: fill.bytes, fillRatio: fill.fillRatio },
        'outbox above its warning ratio: the broker is not taking events fast enough',
      );
    nearlyFullWarned = fill.nearlyFull;
    if (config.outbox.overflowPolicy !== 'block') return;
    if (fill.full && !paused) {
      paused = true;
      logger.error(
        { depth: fill.depth },
        'outbox full: pausing reader inventory until it drains (overflowPolicy block)',
      );
      for (const slot of readers) void slot.driver.stop().catch(() => undefined);
    } else if (paused && !fill.nearlyFull) {
      paused = false;
      logger.info({ depth: fill.depth }, 'outbox drained: resuming reader inventory');
      for (const slot of readers)
        void slot.driver
          .start()
          .catch((error: unknown) =>
            logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader resume failed'),
          );
    }
  };

  const tick = (): void => {
    if (stopping || engine === undefined) return;
    const nowMs = clock.nowMs();
    lastTickMs = nowMs;
    for (const slot of readers) {
      const connected = slot.driver.health().connected;
      slot.downSinceMs = connected ? null : (slot.downSinceMs ?? nowMs);
    }
    try {
      store(engine.tick(nowMs));
    } catch (error) {
      logger.error({ err: errorMessage(error) }, 'debounce tick failed');
    }
    checkBound();
    publisher?.pump();
  };

  const petWatchdog = (): void => {
    if (stopping) return;
    const verdict = watchdogVerdict({
      nowMs: clock.nowMs(),
      lastTickMs,
      tickIntervalMs: config.debounce.tickIntervalMs,
      readersDownSinceMs: readers.map((slot) => slot.downSinceMs),
      readerDownMaxMs: config.watchdog.readerDownMaxMs,
    });
    if (verdict.healthy) notifier.watchdog();
    else if (watchdogHealthy) logger.error({ reason: verdict.reason }, 'withholding the systemd watchdog');
    watchdogHealthy = verdict.healthy;
  };

  return {
    async start() {
      const outboxStore = parts.openOutboxStore?.(config) ?? openSqliteOutboxStore(config.outbox.path);
      outbox = createOutbox(outboxStore, config.outbox);
      const recovered = outbox.fill();
      if (recovered.depth > 0)
        logger.info(
          { depth: recovered.depth, lastSequence: recovered.lastSequence },
          'outbox holds unsent events from before; resuming in order',
        );
      engine = parts.createEngine(config);
      readers = config.readers.map(makeReader);
      await Promise.all(readers.map(startReader));

      connection = createMqttConnection(config.mqtt, identity, {
        clock,
        logger: logger.child({ part: 'mqtt' }),
        ...(options.random ? { random: options.random } : {}),
        will: {
          topic: statusTopic,
          payload: () =>
            JSON.stringify(buildGatewayStatus({ state: 'offline', ...identity, nowMs: clock.nowMs(), version })),
        },
      });
      publisher = createPublisher({
        client: connection.client,
        outbox,
        topic: gatewayTopic(identity.siteId, identity.gatewayId, 'events'),
        gatewayId: identity.gatewayId,
        eventsPerMessageMax: config.mqtt.eventsPerMessageMax,
        messageBytesMax: config.mqtt.messageBytesMax,
        inflightMessagesMax: config.mqtt.inflightMessagesMax,
        confirmation: config.mqtt.confirmation,
        confirmTimeoutMs: config.mqtt.confirmTimeoutMs,
        clock,
        logger: logger.child({ part: 'publisher' }),
      });
      const publisherNow = publisher;
      if (config.mqtt.confirmation === 'cloud') followCommitted(connection, identity, publisherNow, logger);
      connection.onConnect(() => {
        publishStatus('online');
        publisherNow.pump();
      });

      lastTickMs = clock.nowMs();
      // The loop period is the engine's (debounce.tickIntervalMs): one knob for absence timing and loop health.
      timers.push(clock.setInterval(tick, config.debounce.tickIntervalMs));
      timers.push(
        clock.setInterval(() => {
          publishStatus('online');
          notifier.status(summary());
        }, config.statusIntervalMs),
      );
      if (notifier.watchdogPingIntervalMs !== null)
        timers.push(clock.setInterval(petWatchdog, notifier.watchdogPingIntervalMs));
      notifier.ready(summary());
      logger.info(
        { siteId: identity.siteId, gatewayId: identity.gatewayId, readers: readers.length, version },
        'gateway ready',
      );
    },

    async stop(reason) {
      if (stopping) return;
      stopping = true;
      logger.info({ reason }, 'gateway stopping');
      notifier.stopping(`stopping: ${reason}`);
      for (const timer of timers.splice(0)) timer.cancel();
      await Promise.all(readers.map(closeReader));
      if (engine !== undefined && outbox !== undefined) {
        try {
          // Close passes in progress into events: a movement half-seen at shutdown is kept, not lost.
          store(engine.flush(clock.nowMs()));
        } catch (error) {
          logger.error({ err: errorMessage(error) }, 'debounce flush failed');
        }
      }
      if (publisher !== undefined && connection !== undefined) {
        publisher.pump();
        if (connection.isConnected() && config.shutdownDrainMs > 0) {
          const drained = await publisher.waitDrained(config.shutdownDrainMs);
          if (!drained)
            logger.warn(
              { depth: outbox?.fill().depth },
              'outbox not drained before shutdown; the rest goes after restart',
            );
        }
        publisher.stop();
        await withTimeout(
          new Promise<void>((resolve) => publishStatus('offline', resolve)),
          STATUS_ACK_TIMEOUT_MS,
          clock,
        );
        const connectionNow = connection;
        const closed = await withTimeout(connectionNow.close(), STATUS_ACK_TIMEOUT_MS, clock);
        if (closed === 'timeout') connectionNow.client.end(true);
      }
      outbox?.close();
      logger.info({ pending: pending.length }, 'gateway stopped');
    },

    async reload() {
      if (options.reloadConfig === undefined) return { kind: 'rejected', reason: 'no config file to reload from' };
      let next: Readonly<GatewayConfig>;
      try {
        next = options.reloadConfig();
      } catch (error) {
        const reason = errorMessage(error);
        logger.error({ err: reason }, 'config reload rejected; the running config stays in force');
        return { kind: 'rejected', reason };
      }
      if (next.siteId !== config.siteId || next.gatewayId !== config.gatewayId) {
        const reason = 'siteId/gatewayId cannot change on reload; restart the service to change identity';
        logger.error(reason);
        return { kind: 'rejected', reason };
      }
      if (
        JSON.stringify(next.mqtt) !== JSON.stringify(config.mqtt) ||
        JSON.stringify(next.outbox) !== JSON.stringify(config.outbox)
      ) {
        logger.warn('mqtt and outbox settings apply at the next restart; reader and debounce settings apply now');
      }
      try {
        requireStarted(engine).reconfigure(next.debounce);
      } catch (error) {
        const reason = `debounce settings refused: ${errorMessage(error)}`;
        logger.error(reason);
        return { kind: 'rejected', reason };
      }
      // Readers whose settings changed are replaced; the others keep running untouched.
      const previous = new Map(readers.map((slot) => [slot.config.id, slot]));
      const kept: ReaderSlot[] = [];
      const restarted: string[] = [];
      for (const readerConfig of next.readers) {
        const slot = previous.get(readerConfig.id);
        if (slot !== undefined && JSON.stringify(slot.config) === JSON.stringify(readerConfig)) {
          kept.push(slot);
          previous.delete(readerConfig.id);
          continue;
        }
        if (slot !== undefined) {
          await closeReader(slot);
          previous.delete(readerConfig.id);
        }
        const fresh = makeReader(readerConfig);
        kept.push(fresh);
        restarted.push(readerConfig.id);
        await startReader(fresh);
      }
      for (const removed of previous.values()) await closeReader(removed);
      readers = kept;
      config = { ...next, mqtt: config.mqtt, outbox: config.outbox };
      logger.info({ readersRestarted: restarted, readers: readers.length }, 'config reloaded');
      notifier.status(summary());
      return { kind: 'reloaded', readersRestarted: restarted };
    },

    tick,
    readersHealth,
    outboxFill: () => requireStarted(outbox).fill(),
    publisherStats: () => requireStarted(publisher).stats(),
    counters: () => ({ ...counters }),
    isConnected: () => connection?.isConnected() ?? false,
  };
}

/** End-to-end confirmation: the cloud's retained committed watermark for this gateway drives outbox removal. */
function followCommitted(
  connection: MqttConnection,
  identity: { siteId: string; gatewayId: string },
  publisher: Publisher,
  logger: Logger,
): void {
  const topic = gatewayTopic(identity.siteId, identity.gatewayId, 'committed');
  connection.onConnect(() => {
    connection.client.subscribe(topic, { qos: 1 }, (error) => {
      if (error) logger.warn({ err: error.message, topic }, 'could not subscribe to the committed watermark');
    });
  });
  connection.client.on('message', (messageTopic, payload) => {
    if (messageTopic !== topic) return;
    const parsed = CommittedSchema.safeParse(safeJson(payload.toString('utf8')));
    if (parsed.success) publisher.confirm(parsed.data.committedThrough);
    else logger.warn({ topic }, 'ignored a malformed committed watermark');
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
