import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { ReaderHealth } from '../../../shared/src/contracts/status.js';
import type { Logger } from '../../../shared/src/log.js';
import type { GatewayConfig } from '../config.js';
import type { CountDigester } from '../counts/digester.js';
import type { BeamFault, BeamInput } from '../debounce/beams.js';
import type { DebounceConfig } from '../debounce/config.js';
import type { MqttConnection } from '../mqtt/connection.js';
import type { Publisher, PublisherStats } from '../mqtt/publisher.js';
import type { Outbox, OutboxFill } from '../outbox/outbox.js';
import type { OutboxStore } from '../outbox/store.js';
import type { ReaderDriver } from '../readers/driver.js';
import type { ReaderConfig } from '../readers/config.js';
import type { Notifier } from '../systemd/notify.js';

/** What the daemon needs from the debounce engine (gateway/src/debounce/engine.ts). */
export interface DebounceEngineLike {
  ingest(read: RawRead, nowMs: number): EpcisEvent[];
  tick(nowMs: number): EpcisEvent[];
  flush(nowMs: number): EpcisEvent[];
  reconfigure(config: DebounceConfig): void;
  /** Photo-eye beams (optional: engines without portals beams ignore GPI). */
  ingestBeam?(beam: BeamInput, nowMs: number): void;
  beamFaults?(): BeamFault[];
  /** A shelf's count at its next round instead of its schedule (the cloud asked for a full set); optional for test engines. */
  requestCount?(shelfId: string): boolean;
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
export const READER_STOP_TIMEOUT_MS = 2_000;
export const STATUS_ACK_TIMEOUT_MS = 1_000;

export interface ReaderSlot {
  config: ReaderConfig;
  driver: ReaderDriver;
  downSinceMs: number | null;
}

/**
 * Everything one running daemon holds: its options, the parts it started and the loop's state. The daemon's
 * steps (flow.ts, readers.ts, lifecycle.ts) are plain functions of this record, so each stays small and named.
 */
export interface DaemonContext {
  readonly options: GatewayDaemonOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifier: Notifier;
  readonly parts: GatewayParts;
  readonly identity: { readonly siteId: string; readonly gatewayId: string };
  readonly version: string;
  readonly statusTopic: string;
  config: Readonly<GatewayConfig>;
  outbox: Outbox | undefined;
  engine: DebounceEngineLike | undefined;
  /** Count digests between the engine and the outbox (gateway/src/counts/). */
  counts: CountDigester | undefined;
  connection: MqttConnection | undefined;
  publisher: Publisher | undefined;
  readers: ReaderSlot[];
  readonly timers: TimerHandle[];
  /** Events the outbox refused (append failed), retried every tick; at most PENDING_EVENTS_MAX. */
  pending: EpcisEvent[];
  lastTickMs: number;
  /** Reader inventory paused because the outbox is full (overflowPolicy block). */
  paused: boolean;
  nearlyFullWarned: boolean;
  stopping: boolean;
  watchdogHealthy: boolean;
  readonly counters: DaemonCounters;
}
