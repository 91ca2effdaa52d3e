import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import { errorMessage } from '../../../shared/src/errors.js';
import type { GatewayConfig } from '../config.js';
import { createMqttConnection } from '../mqtt/connection.js';
import { createPublisher } from '../mqtt/publisher.js';
import { createOutbox } from '../outbox/outbox.js';
import { openSqliteOutboxStore } from '../outbox/sqlite-store.js';
import { buildGatewayStatus } from '../status/status.js';
import { petWatchdog, publishStatus, requireStarted, storeEvents, summary, tick, withTimeout } from './flow.js';
import { followCommitted } from './committed.js';
import { followCommands } from '../counts/commands.js';
import { CountDigester } from '../counts/digester.js';
import { closeReader, makeReader, reloadReaders, startReader } from './readers.js';
import { STATUS_ACK_TIMEOUT_MS, type DaemonContext, type ReloadOutcome } from './types.js';

/** Start, stop and reload, each a few named steps over the daemon's context. */

function openOutbox(daemon: DaemonContext): void {
  const { config, parts } = daemon;
  const outboxStore = parts.openOutboxStore?.(config) ?? openSqliteOutboxStore(config.outbox.path);
  daemon.outbox = createOutbox(outboxStore, config.outbox);
  const recovered = daemon.outbox.fill();
  if (recovered.depth > 0)
    daemon.logger.info(
      { depth: recovered.depth, lastSequence: recovered.lastSequence },
      'outbox holds unsent events from before; resuming in order',
    );
}

function connectMqtt(daemon: DaemonContext): void {
  const { config, identity, clock, logger, version } = daemon;
  const connection = createMqttConnection(config.mqtt, identity, {
    clock,
    logger: logger.child({ part: 'mqtt' }),
    ...(daemon.options.random ? { random: daemon.options.random } : {}),
    will: {
      topic: daemon.statusTopic,
      payload: () =>
        JSON.stringify(buildGatewayStatus({ state: 'offline', ...identity, nowMs: clock.nowMs(), version })),
    },
  });
  const publisher = createPublisher({
    client: connection.client,
    outbox: requireStarted(daemon.outbox),
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
  if (config.mqtt.confirmation === 'cloud') followCommitted(connection, identity, publisher, logger);
  followCommands(connection, identity, (command) => onFullCountRequest(daemon, command.shelf), logger);
  connection.onConnect(() => {
    publishStatus(daemon, 'online');
    publisher.pump();
  });
  daemon.connection = connection;
  daemon.publisher = publisher;
}

/** The cloud's books disagreed with a shelf's digest: count that shelf now, in full. */
function onFullCountRequest(daemon: DaemonContext, shelfId: string): void {
  if (daemon.stopping) return;
  if (!requireStarted(daemon.counts).requestFull(shelfId, daemon.clock.nowMs())) {
    daemon.logger.debug({ shelf: shelfId }, 'full count request ignored: the previous one is too recent');
    return;
  }
  const known = daemon.engine?.requestCount?.(shelfId) ?? false;
  daemon.logger.info({ shelf: shelfId, known }, 'the cloud asked for a full shelf count');
}

function startTimers(daemon: DaemonContext): void {
  const { clock, config, notifier, timers } = daemon;
  daemon.lastTickMs = clock.nowMs();
  // The loop period is the engine's (debounce.tickIntervalMs): one knob for absence timing and loop health.
  timers.push(clock.setInterval(() => tick(daemon), config.debounce.tickIntervalMs));
  timers.push(
    clock.setInterval(() => {
      publishStatus(daemon, 'online');
      notifier.status(summary(daemon));
    }, config.statusIntervalMs),
  );
  if (notifier.watchdogPingIntervalMs !== null)
    timers.push(clock.setInterval(() => petWatchdog(daemon), notifier.watchdogPingIntervalMs));
}

export async function startDaemon(daemon: DaemonContext): Promise<void> {
  openOutbox(daemon);
  daemon.engine = daemon.parts.createEngine(daemon.config);
  daemon.counts = new CountDigester(daemon.config.counts);
  daemon.readers = daemon.config.readers.map((readerConfig) => makeReader(daemon, readerConfig));
  await Promise.all(daemon.readers.map((slot) => startReader(daemon, slot)));
  connectMqtt(daemon);
  startTimers(daemon);
  daemon.notifier.ready(summary(daemon));
  const { siteId, gatewayId } = daemon.identity;
  daemon.logger.info({ siteId, gatewayId, readers: daemon.readers.length, version: daemon.version }, 'gateway ready');
}

/** Close passes in progress into events: a movement half-seen at shutdown is kept, not lost. */
function flushEngine(daemon: DaemonContext): void {
  if (daemon.engine === undefined || daemon.outbox === undefined) return;
  try {
    storeEvents(daemon, daemon.engine.flush(daemon.clock.nowMs()));
  } catch (error) {
    daemon.logger.error({ err: errorMessage(error) }, 'debounce flush failed');
  }
}

/** Drains the outbox for up to shutdownDrainMs, publishes `offline`, disconnects. */
async function drainAndDisconnect(daemon: DaemonContext): Promise<void> {
  const { publisher, connection, config, clock } = daemon;
  if (publisher === undefined || connection === undefined) return;
  publisher.pump();
  if (connection.isConnected() && config.shutdownDrainMs > 0) {
    const drained = await publisher.waitDrained(config.shutdownDrainMs);
    if (!drained)
      daemon.logger.warn(
        { depth: daemon.outbox?.fill().depth },
        'outbox not drained before shutdown; the rest goes after restart',
      );
  }
  publisher.stop();
  await withTimeout(
    new Promise<void>((resolve) => publishStatus(daemon, 'offline', resolve)),
    STATUS_ACK_TIMEOUT_MS,
    clock,
  );
  const closed = await withTimeout(connection.close(), STATUS_ACK_TIMEOUT_MS, clock);
  if (closed === 'timeout') connection.client.end(true);
}

export async function stopDaemon(daemon: DaemonContext, reason: string): Promise<void> {
  if (daemon.stopping) return;
  daemon.stopping = true;
  daemon.logger.info({ reason }, 'gateway stopping');
  daemon.notifier.stopping(`stopping: ${reason}`);
  for (const timer of daemon.timers.splice(0)) timer.cancel();
  await Promise.all(daemon.readers.map((slot) => closeReader(daemon, slot)));
  flushEngine(daemon);
  await drainAndDisconnect(daemon);
  daemon.outbox?.close();
  daemon.logger.info({ pending: daemon.pending.length }, 'gateway stopped');
}

/** The next config if it may apply now, or why not (identity is fixed; the engine must accept the debounce part). */
function acceptReload(daemon: DaemonContext): { next: Readonly<GatewayConfig> } | { reason: string } {
  const { logger, config } = daemon;
  let next: Readonly<GatewayConfig>;
  try {
    next = requireStarted(daemon.options.reloadConfig)();
  } catch (error) {
    const reason = errorMessage(error);
    logger.error({ err: reason }, 'config reload rejected; the running config stays in force');
    return { reason };
  }
  if (next.siteId !== config.siteId || next.gatewayId !== config.gatewayId) {
    const reason = 'siteId/gatewayId cannot change on reload; restart the service to change identity';
    logger.error(reason);
    return { reason };
  }
  if (
    JSON.stringify(next.mqtt) !== JSON.stringify(config.mqtt) ||
    JSON.stringify(next.outbox) !== JSON.stringify(config.outbox)
  )
    logger.warn('mqtt and outbox settings apply at the next restart; reader and debounce settings apply now');
  try {
    requireStarted(daemon.engine).reconfigure(next.debounce);
  } catch (error) {
    const reason = `debounce settings refused: ${errorMessage(error)}`;
    logger.error(reason);
    return { reason };
  }
  return { next };
}

export async function reloadDaemon(daemon: DaemonContext): Promise<ReloadOutcome> {
  if (daemon.options.reloadConfig === undefined) return { kind: 'rejected', reason: 'no config file to reload from' };
  const accepted = acceptReload(daemon);
  if ('reason' in accepted) return { kind: 'rejected', reason: accepted.reason };
  const restarted = await reloadReaders(daemon, accepted.next.readers);
  daemon.counts?.reconfigure(accepted.next.counts);
  daemon.config = { ...accepted.next, mqtt: daemon.config.mqtt, outbox: daemon.config.outbox };
  daemon.logger.info({ readersRestarted: restarted, readers: daemon.readers.length }, 'config reloaded');
  daemon.notifier.status(summary(daemon));
  return { kind: 'reloaded', readersRestarted: restarted };
}
