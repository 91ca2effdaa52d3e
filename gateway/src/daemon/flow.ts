import type { Clock } from '../../../shared/src/clock.js';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { ReaderHealth } from '../../../shared/src/contracts/status.js';
import { errorMessage } from '../../../shared/src/errors.js';
import type { GpiEvent } from '../readers/driver.js';
import { withBeamFaults } from '../status/beam-faults.js';
import { buildGatewayStatus, statusLine } from '../status/status.js';
import { watchdogVerdict } from '../systemd/watchdog.js';
import { PENDING_EVENTS_MAX, type DaemonContext } from './types.js';

/** The daemon's data path and loop: reads → engine → outbox, the tick, status and the watchdog. */

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, clock: Clock): Promise<T | 'timeout'> {
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

export function requireStarted<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('invariant violated: the gateway daemon is not started');
  return value;
}

/** Appends events (and any still pending) to the outbox; on failure keeps them in RAM, bounded. */
export function storeEvents(daemon: DaemonContext, events: readonly EpcisEvent[]): void {
  const outbox = requireStarted(daemon.outbox);
  // Shelf counts leave as digests (counts/digester.ts) before they are stored: what is stored is what is sent.
  if (events.length > 0) daemon.pending.push(...(daemon.counts?.shape(events) ?? events));
  if (daemon.pending.length === 0) return;
  try {
    const outcome = outbox.append(daemon.pending);
    if (outcome.droppedForRoom > 0)
      daemon.logger.warn(
        { dropped: outcome.droppedForRoom },
        'outbox full: dropped the oldest events (overflowPolicy dropOldest)',
      );
    daemon.pending = [];
    daemon.publisher?.pump();
  } catch (error) {
    daemon.counters.appendFailures += 1;
    daemon.logger.error(
      { err: errorMessage(error), pending: daemon.pending.length },
      'outbox append failed; events kept in memory and retried',
    );
    if (daemon.pending.length > PENDING_EVENTS_MAX) {
      // Nothing else can hold them; say exactly how many movements were lost.
      const excess = daemon.pending.length - PENDING_EVENTS_MAX;
      daemon.pending = daemon.pending.slice(excess);
      daemon.counters.pendingDropped += excess;
      daemon.logger.error({ lost: excess }, 'in-memory pending events over the limit; oldest lost');
    }
  }
}

export function onRead(daemon: DaemonContext, read: RawRead): void {
  if (daemon.stopping) return;
  const { counters } = daemon;
  try {
    counters.readsIngested += 1;
    storeEvents(daemon, requireStarted(daemon.engine).ingest(read, daemon.clock.nowMs()));
  } catch (error) {
    counters.readsRejected += 1;
    // A reader spewing bad frames must not flood the journal: the first ten, then every thousandth.
    if (counters.readsRejected <= 10 || counters.readsRejected % 1_000 === 0) {
      daemon.logger.warn(
        { err: errorMessage(error), reader: read.reader, readsRejected: counters.readsRejected },
        'read rejected',
      );
    }
  }
}

export function onGpi(daemon: DaemonContext, event: GpiEvent): void {
  if (daemon.stopping) return;
  daemon.engine?.ingestBeam?.(
    { reader: event.readerId, port: event.port, state: event.state, time: event.timeMs },
    daemon.clock.nowMs(),
  );
}

export function readersHealth(daemon: DaemonContext): ReaderHealth[] {
  return withBeamFaults(
    daemon.readers.map((slot) => slot.driver.health()),
    daemon.engine?.beamFaults?.() ?? [],
  );
}

export function publishStatus(daemon: DaemonContext, state: 'online' | 'offline', callback?: () => void): void {
  const { connection } = daemon;
  if (!connection?.isConnected()) {
    callback?.();
    return;
  }
  const status = buildGatewayStatus({
    state,
    ...daemon.identity,
    nowMs: daemon.clock.nowMs(),
    version: daemon.version,
    readers: readersHealth(daemon),
    outbox: requireStarted(daemon.outbox).fill(),
  });
  connection.client.publish(daemon.statusTopic, JSON.stringify(status), { qos: 1, retain: true }, () => callback?.());
}

export function summary(daemon: DaemonContext): string {
  return statusLine({
    connected: daemon.connection?.isConnected() ?? false,
    readers: readersHealth(daemon),
    outbox: requireStarted(daemon.outbox).fill(),
    eventsAcked: daemon.publisher?.stats().eventsAcked ?? 0,
    paused: daemon.paused,
  });
}

/** Warns near full; with overflowPolicy block, pauses reader inventory when full and resumes once drained. */
export function checkBound(daemon: DaemonContext): void {
  const { logger } = daemon;
  const fill = requireStarted(daemon.outbox).fill();
  if (fill.nearlyFull && !daemon.nearlyFullWarned)
    logger.warn(
      { depth: fill.depth, bytes: fill.bytes, fillRatio: fill.fillRatio },
      'outbox above its warning ratio: the broker is not taking events fast enough',
    );
  daemon.nearlyFullWarned = fill.nearlyFull;
  if (daemon.config.outbox.overflowPolicy !== 'block') return;
  if (fill.full && !daemon.paused) {
    daemon.paused = true;
    logger.error({ depth: fill.depth }, 'outbox full: pausing reader inventory until it drains (overflowPolicy block)');
    for (const slot of daemon.readers) void slot.driver.stop().catch(() => undefined);
  } else if (daemon.paused && !fill.nearlyFull) {
    daemon.paused = false;
    logger.info({ depth: fill.depth }, 'outbox drained: resuming reader inventory');
    for (const slot of daemon.readers)
      void slot.driver
        .start()
        .catch((error: unknown) =>
          logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader resume failed'),
        );
  }
}

/** One loop iteration: reader up/down bookkeeping, the engine's tick, the outbox bound, a publisher pump. */
export function tick(daemon: DaemonContext): void {
  const { engine } = daemon;
  if (daemon.stopping || engine === undefined) return;
  const nowMs = daemon.clock.nowMs();
  daemon.lastTickMs = nowMs;
  for (const slot of daemon.readers) {
    const connected = slot.driver.health().connected;
    slot.downSinceMs = connected ? null : (slot.downSinceMs ?? nowMs);
  }
  try {
    storeEvents(daemon, engine.tick(nowMs));
  } catch (error) {
    daemon.logger.error({ err: errorMessage(error) }, 'debounce tick failed');
  }
  checkBound(daemon);
  daemon.publisher?.pump();
}

/** WATCHDOG=1 only while the loop ticks and readers are not down too long (the pure verdict decides). */
export function petWatchdog(daemon: DaemonContext): void {
  if (daemon.stopping) return;
  const verdict = watchdogVerdict({
    nowMs: daemon.clock.nowMs(),
    lastTickMs: daemon.lastTickMs,
    tickIntervalMs: daemon.config.debounce.tickIntervalMs,
    readersDownSinceMs: daemon.readers.map((slot) => slot.downSinceMs),
    readerDownMaxMs: daemon.config.watchdog.readerDownMaxMs,
  });
  if (verdict.healthy) daemon.notifier.watchdog();
  else if (daemon.watchdogHealthy) daemon.logger.error({ reason: verdict.reason }, 'withholding the systemd watchdog');
  daemon.watchdogHealthy = verdict.healthy;
}
