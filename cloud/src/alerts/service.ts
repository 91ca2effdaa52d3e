import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import type { GatewayStatus } from '../../../shared/src/contracts/status.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import type { CloudEvents, PositionChange } from '../events.js';
import type { AlertsConfig } from './config.js';
import { evaluateAlerts, initialAlertState, type AlertEngineState, type AlertInput } from './engine.js';
import { AlertErrors } from './errors.js';
import { alertTopic, type PublishFn } from './publisher.js';
import type { StockSnapshot } from './rules/snapshot.js';
import { SEVERITY_RANK, type Alert } from './types.js';
import type { AnalyticsLedgerView } from './view.js';

export interface AlertChanges {
  raised: readonly Alert[];
  updated: readonly Alert[];
  cleared: readonly Alert[];
}

export interface AlertStats {
  active: number;
  raisedTotal: number;
  clearedTotal: number;
  suppressedTotal: number;
  evaluationFailures: number;
  publishFailures: number;
  pendingPublishes: number;
  ignoredStatuses: number;
}

/** What the dashboard and API need from alerting. */
export interface AlertSource {
  list(): Alert[];
  onChange(listener: (changes: AlertChanges) => void): () => void;
}

/**
 * Imperative shell of alerting: owns the engine state, feeds it cloud events, ledger
 * snapshots and clock ticks, and publishes every change retained on
 * `stockwire/v1/alerts/<kind>/<key>` (an empty retained payload clears it). A failed
 * publish is kept (latest payload per topic, bounded) and retried on the next tick.
 */
export class AlertService implements AlertSource {
  private state: AlertEngineState = initialAlertState();
  private readonly listeners = new Set<(changes: AlertChanges) => void>();
  /** topic → the payload it should carry ('' = cleared), for publishes that failed. */
  private readonly pending = new Map<string, string>();
  /** alert key → topic it was last published on (the kind, and so the topic, can change). */
  private readonly publishedTopics = new Map<string, string>();
  private publishChain: Promise<void> = Promise.resolve();
  private timers: TimerHandle[] = [];
  private scheduled: TimerHandle | null = null;
  private evaluating: Promise<void> | null = null;
  private evaluateAgain = false;
  private closed = false;
  private readonly totals = {
    raisedTotal: 0,
    clearedTotal: 0,
    suppressedTotal: 0,
    evaluationFailures: 0,
    publishFailures: 0,
    ignoredStatuses: 0,
  };

  constructor(
    private readonly config: AlertsConfig,
    private readonly deps: { view: AnalyticsLedgerView; publish?: PublishFn | undefined; clock: Clock; logger: Logger },
  ) {}

  start(): void {
    if (!this.config.enabled) return;
    this.timers.push(this.deps.clock.setInterval(() => void this.evaluateStock(), this.config.evaluateIntervalMs));
    this.timers.push(this.deps.clock.setInterval(() => this.tick(), this.config.tickIntervalMs));
    void this.evaluateStock();
  }

  attach(events: CloudEvents): () => void {
    const onPositions = (changes: PositionChange[]): void => this.onPositionsChanged(changes);
    const onStatus = (status: GatewayStatus): void => this.apply({ kind: 'gatewayStatus', status });
    events.on('positionsChanged', onPositions);
    events.on('gatewayStatus', onStatus);
    return () => {
      events.off('positionsChanged', onPositions);
      events.off('gatewayStatus', onStatus);
    };
  }

  /** Takes over alerts retained by a previous run (see collectRetainedAlerts). */
  adopt(alerts: readonly Alert[]): void {
    this.apply({ kind: 'adopt', alerts });
    for (const alert of alerts) this.publishedTopics.set(alert.key, alertTopic(alert));
  }

  /** Active alerts, most severe first, then oldest first. */
  list(): Alert[] {
    return [...this.state.active.values()].sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        a.raisedAt.localeCompare(b.raisedAt) ||
        a.key.localeCompare(b.key),
    );
  }

  onChange(listener: (changes: AlertChanges) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): AlertStats {
    return { active: this.state.active.size, pendingPublishes: this.pending.size, ...this.totals };
  }

  /** Reads the ledger view and re-evaluates the stock rules; concurrent calls coalesce. */
  async evaluateStock(): Promise<void> {
    if (!this.config.enabled || this.closed) return;
    if (this.evaluating) {
      this.evaluateAgain = true;
      return this.evaluating;
    }
    this.evaluating = (async () => {
      do {
        this.evaluateAgain = false;
        let snapshot: StockSnapshot;
        try {
          snapshot = await this.readSnapshot();
        } catch (error) {
          this.totals.evaluationFailures += 1;
          const coded = makeError(AlertErrors.EVALUATION_FAILED, { reason: errorMessage(error) }, error);
          this.deps.logger.warn({ code: coded.code }, coded.message);
          return;
        }
        this.apply({ kind: 'stock', snapshot });
      } while (this.evaluateAgain && !this.closed);
    })().finally(() => {
      this.evaluating = null;
    });
    return this.evaluating;
  }

  /** Heartbeats, reader silence, count-finding expiry, and retry of failed publishes. */
  tick(): void {
    if (!this.config.enabled || this.closed) return;
    this.apply({ kind: 'tick' });
    this.retryPending();
  }

  /** Resolves when every publish issued so far has settled. */
  async settled(): Promise<void> {
    if (this.evaluating) await this.evaluating;
    await this.publishChain;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
    this.scheduled?.cancel();
    await this.settled();
  }

  private onPositionsChanged(changes: PositionChange[]): void {
    this.apply({ kind: 'positions', changes });
    if (this.scheduled || this.closed || !this.config.enabled) return;
    this.scheduled = this.deps.clock.setTimeout(() => {
      this.scheduled = null;
      void this.evaluateStock();
    }, this.config.reevaluateDelayMs);
  }

  private async readSnapshot(): Promise<StockSnapshot> {
    const { view } = this.deps;
    const [positions, products, layers, missingEpcs, openDemand] = await Promise.all([
      view.positions(),
      view.products(),
      view.layers(),
      view.missingEpcs ? view.missingEpcs() : Promise.resolve(null),
      view.openDemand ? view.openDemand() : Promise.resolve(null),
    ]);
    return { positions, products, layers, missingEpcs, openDemand };
  }

  private apply(input: AlertInput): void {
    if (!this.config.enabled) return;
    const outcome = evaluateAlerts(this.state, input, this.deps.clock.nowMs(), this.config);
    this.state = outcome.state;
    this.totals.raisedTotal += outcome.raised.length;
    this.totals.clearedTotal += outcome.cleared.length;
    this.totals.ignoredStatuses += outcome.ignoredStatuses;
    if (outcome.suppressed > 0) {
      this.totals.suppressedTotal += outcome.suppressed;
      const coded = makeError(AlertErrors.LIMIT_REACHED, { count: outcome.suppressed, limit: 'alertsMax' });
      this.deps.logger.warn({ code: coded.code }, coded.message);
    }
    if (outcome.raised.length + outcome.updated.length + outcome.cleared.length === 0) return;
    for (const alert of [...outcome.raised, ...outcome.updated]) {
      this.deps.logger.info({ alert: alert.key, kind: alert.kind, severity: alert.severity }, alert.message);
      this.publishAlert(alert);
    }
    for (const alert of outcome.cleared) {
      this.deps.logger.info({ alert: alert.key, kind: alert.kind }, 'alert cleared');
      this.publishClear(alert);
    }
    const changes: AlertChanges = { raised: outcome.raised, updated: outcome.updated, cleared: outcome.cleared };
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'alert listener threw');
      }
    }
  }

  private publishAlert(alert: Alert): void {
    const topic = alertTopic(alert);
    const previous = this.publishedTopics.get(alert.key);
    if (previous !== undefined && previous !== topic) this.send(previous, ''); // kind changed: clear the old topic
    this.publishedTopics.set(alert.key, topic);
    this.send(topic, JSON.stringify(alert));
  }

  private publishClear(alert: Alert): void {
    const topic = this.publishedTopics.get(alert.key) ?? alertTopic(alert);
    this.publishedTopics.delete(alert.key);
    this.send(topic, '');
  }

  private send(topic: string, payload: string): void {
    const publish = this.deps.publish;
    if (!publish) return;
    this.pending.delete(topic); // the newest payload supersedes a failed older one
    // one chain keeps raise-then-clear of one topic in order on the wire
    this.publishChain = this.publishChain.then(async () => {
      try {
        await publish(topic, payload, { retain: true, qos: this.config.qos });
      } catch (error) {
        this.totals.publishFailures += 1;
        if (!this.pending.has(topic) && this.pending.size >= this.config.alertsMax) {
          const oldest = this.pending.keys().next();
          if (!oldest.done) this.pending.delete(oldest.value);
        }
        this.pending.set(topic, payload);
        const coded = makeError(AlertErrors.PUBLISH_FAILED, { topic, reason: errorMessage(error) }, error);
        this.deps.logger.warn({ code: coded.code }, coded.message);
      }
    });
  }

  private retryPending(): void {
    const retries = [...this.pending];
    this.pending.clear();
    for (const [topic, payload] of retries) this.send(topic, payload);
  }
}
