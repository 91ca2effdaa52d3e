import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { readersHealth, requireStarted, tick } from './daemon/flow.js';
import { reloadDaemon, startDaemon, stopDaemon } from './daemon/lifecycle.js';
import type { DaemonContext, GatewayDaemon, GatewayDaemonOptions } from './daemon/types.js';
import { gatewayVersion } from './status/version.js';

export {
  PENDING_EVENTS_MAX,
  type DaemonCounters,
  type DebounceEngineLike,
  type GatewayDaemon,
  type GatewayDaemonOptions,
  type GatewayParts,
  type ReloadOutcome,
} from './daemon/types.js';

/**
 * The imperative shell of the gateway: readers → debounce engine → durable
 * outbox → pipelined MQTT publisher, plus status, watchdog, reload and
 * shutdown. Owns every timer; the engine and the bound/health rules are pure.
 * The steps live in daemon/: flow.ts (data path, loop, status, watchdog),
 * readers.ts (reader slots through the injected factory), lifecycle.ts (start, stop, reload).
 */
export function createGatewayDaemon(options: GatewayDaemonOptions): GatewayDaemon {
  const { config, clock } = options;
  const daemon: DaemonContext = {
    options,
    clock,
    logger: options.logger,
    notifier: options.notifier,
    parts: options.parts,
    identity: { siteId: config.siteId, gatewayId: config.gatewayId },
    version: gatewayVersion(),
    statusTopic: gatewayTopic(config.siteId, config.gatewayId, 'status'),
    config,
    outbox: undefined,
    engine: undefined,
    counts: undefined,
    connection: undefined,
    publisher: undefined,
    readers: [],
    timers: [],
    pending: [],
    lastTickMs: clock.nowMs(),
    paused: false,
    nearlyFullWarned: false,
    stopping: false,
    watchdogHealthy: true,
    counters: { readsIngested: 0, readsRejected: 0, appendFailures: 0, pendingDropped: 0 },
  };
  return {
    start: () => startDaemon(daemon),
    stop: (reason) => stopDaemon(daemon, reason),
    reload: () => reloadDaemon(daemon),
    tick: () => tick(daemon),
    readersHealth: () => readersHealth(daemon),
    outboxFill: () => requireStarted(daemon.outbox).fill(),
    publisherStats: () => requireStarted(daemon.publisher).stats(),
    counters: () => ({ ...daemon.counters }),
    isConnected: () => daemon.connection?.isConnected() ?? false,
  };
}
