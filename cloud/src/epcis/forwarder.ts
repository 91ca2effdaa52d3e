import { backoffDelayMs, type BackoffPolicy } from '../../../shared/src/backoff.js';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { EPCIS_CONTEXT } from '../../../shared/src/contracts/epcis.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import type { EpcisForwardConfig } from './config.js';
import { EpcisErrors } from './errors.js';
import type { EpcisEventStore, ForwardItem } from './event-store.js';

export interface ForwarderStats {
  eventsForwarded: number;
  failures: number;
}

/**
 * Durable forwarding: every stored event sits in the repository's outbox table until the external capture
 * interface accepted the document carrying it (HTTP 2xx); failures retry with the shared backoff, so nothing is
 * lost while the external side is down, and ids (CBV 2.0 hashes) make a resend harmless there.
 */
export class EpcisForwarder {
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly counters: ForwarderStats = { eventsForwarded: 0, failures: 0 };
  private readonly policy: BackoffPolicy;

  constructor(
    private readonly config: EpcisForwardConfig,
    private readonly deps: { repository: EpcisEventStore; clock: Clock; logger: Logger; random01?: () => number },
  ) {
    this.policy = {
      initialDelayMs: config.retryInitialDelayMs,
      maxDelayMs: config.retryDelayMsMax,
      multiplier: 2,
      jitterRatio: 0.2,
    };
  }

  start(): void {
    this.schedule(0);
  }

  stats(): ForwarderStats {
    return { ...this.counters };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.running = this.pass().then(
        (delivered) => this.schedule(delivered ? 0 : this.config.pollIntervalMs),
        (error: unknown) => {
          this.deps.logger.error({ err: errorMessage(error) }, 'EPCIS forwarding pass failed');
          this.schedule(this.config.pollIntervalMs);
        },
      );
    }, delayMs);
  }

  /** One batch; true when something was delivered (so the next batch goes at once). */
  private async pass(): Promise<boolean> {
    const due = await this.deps.repository.dueForwards(this.deps.clock.nowMs(), this.config.batchEventsMax);
    if (due.length === 0) return false;
    const seqs = due.map((item) => item.recordSeq);
    try {
      await this.send(due);
      await this.deps.repository.forwarded(seqs);
      this.counters.eventsForwarded += due.length;
      return true;
    } catch (error) {
      this.counters.failures++;
      const attempts = Math.max(...due.map((item) => item.attempts));
      const delayMs = backoffDelayMs(this.policy, attempts, (this.deps.random01 ?? Math.random)());
      const failure = makeError(EpcisErrors.FORWARD_FAILED, { reason: errorMessage(error) });
      this.deps.logger.warn({ code: failure.code, events: due.length, retryInMs: delayMs }, failure.message);
      await this.deps.repository.forwardFailed(seqs, this.deps.clock.nowMs() + delayMs, errorMessage(error));
      return false;
    }
  }

  private async send(items: readonly ForwardItem[]): Promise<void> {
    const eventList = items.map(({ body }) => {
      const { recordTime: _recordTime, ...event } = body; // the receiving repository stamps its own
      return event;
    });
    const document = {
      '@context': EPCIS_CONTEXT,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: new Date(this.deps.clock.nowMs()).toISOString(),
      epcisBody: { eventList },
    };
    const response = await fetch(
      new URL('capture', this.config.url.endsWith('/') ? this.config.url : `${this.config.url}/`),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/ld+json',
          'GS1-Capture-Error-Behaviour': 'proceed',
          ...(this.config.token ? { authorization: `Bearer ${this.config.token}` } : {}),
        },
        body: JSON.stringify(document),
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      },
    );
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  }
}
