import { buildEpcisDocument } from '../../../shared/src/contracts/epcis.js';
import type { Clock } from '../../../shared/src/clock.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxRow } from '../outbox/store.js';
import { MqttErrors } from './errors.js';

/** The part of mqtt.js the publisher needs (a seam for tests). */
export interface PublishClient {
  readonly connected: boolean;
  publish(
    topic: string,
    payload: string,
    options: { qos: 1; retain?: boolean },
    callback: (error?: Error) => void,
  ): unknown;
}

export interface PublisherOptions {
  client: PublishClient;
  outbox: Outbox;
  topic: string;
  gatewayId: string;
  eventsPerMessageMax: number;
  messageBytesMax: number;
  inflightMessagesMax: number;
  /** `cloud`: rows stay until `confirm()` covers them; see MqttConfig.confirmation. Default `puback`. */
  confirmation?: 'puback' | 'cloud';
  confirmTimeoutMs?: number;
  clock: Clock;
  logger: Logger;
}

export interface PublisherStats {
  messagesPublished: number;
  messagesAcked: number;
  eventsAcked: number;
  publishErrors: number;
  inflightMessages: number;
}

export interface Publisher {
  /** Sends what the outbox holds, up to the in-flight window. Call after appends, connects and acks. */
  pump(): void;
  stats(): PublisherStats;
  /** Resolves true once nothing is in flight and the outbox is empty, false at the timeout. */
  waitDrained(timeoutMs: number): Promise<boolean>;
  /** Stops taking new work from the outbox; in-flight acks are still honoured. */
  stop(): void;
  /** The cloud's committed watermark (confirmation `cloud`): rows up to it leave the outbox. */
  confirm(committedThrough: number): void;
}

// A sentinel replaced by the stored event texts, so events are not parsed and re-serialised per send.
const EVENT_LIST_SENTINEL = '"eventList":["__stockwire_events__"]';

/** The EPCIS document text for stored events; `stockwire:sequence` is the first event's sequence. */
export function documentText(
  rows: readonly OutboxRow[],
  gatewayId: string,
  creationDate: string,
  confirmedThrough?: number,
): string {
  const first = rows[0];
  if (first === undefined) throw new Error('invariant violated: a document needs at least one event');
  const shell = buildEpcisDocument([], {
    creationDate,
    gatewayId,
    sequence: first.sequence,
    ...(confirmedThrough === undefined ? {} : { confirmedThrough }),
  });
  const shellText = JSON.stringify({ ...shell, epcisBody: { eventList: ['__stockwire_events__'] } });
  return shellText.replace(EVENT_LIST_SENTINEL, `"eventList":[${rows.map((row) => row.payload).join(',')}]`);
}

/** Messages' worth of rows read ahead with one SELECT: 16 × 40 events by default, a bounded page. */
const PAGE_MESSAGES = 16;
/**
 * While a drain keeps the window busy, acked rows leave the outbox at most this often, in one
 * `removeThrough` transaction (with synchronous=FULL each is an fsync). A crash in between
 * resends at most this much, deduplicated by eventID. An idle window removes at once.
 */
export const REMOVE_INTERVAL_MS = 50;

/** Documents in flight, keyed by their first sequence; a count because a rewind can resend one still in flight. */
function inflightTracker(): {
  add(first: number): void;
  delete(first: number): void;
  size(): number;
  /** Lowest first sequence in flight, or Infinity. */
  lowest(): number;
} {
  const documents = new Map<number, number>();
  let size = 0;
  return {
    add(first) {
      documents.set(first, (documents.get(first) ?? 0) + 1);
      size += 1;
    },
    delete(first) {
      const count = documents.get(first) ?? 0;
      if (count === 0) return;
      if (count === 1) documents.delete(first);
      else documents.set(first, count - 1);
      size -= 1;
    },
    size: () => size,
    lowest() {
      let lowest = Infinity;
      for (const first of documents.keys()) lowest = Math.min(lowest, first);
      return lowest;
    },
  };
}

/**
 * Rows read ahead of the cursor a page at a time (one SELECT), cut into documents of at most
 * `eventsPerMessageMax` events and `messageBytesMax` bytes. Never more than one page in RAM.
 */
function pagedBatches(outbox: Outbox, eventsPerMessageMax: number, messageBytesMax: number) {
  let page: OutboxRow[] = [];
  let index = 0;
  return {
    /** The next document's rows after `cursorSequence` (the page starts right after it unless reset). */
    take(cursorSequence: number): OutboxRow[] {
      if (index >= page.length) {
        // Nothing appended past the cursor: skip the SELECT (pumps come on every ack burst and tick).
        if (cursorSequence >= outbox.fill().lastSequence) return [];
        page = outbox.readAfter(cursorSequence, eventsPerMessageMax * PAGE_MESSAGES);
        index = 0;
      }
      let bytes = 0;
      let end = index;
      while (end < page.length && end - index < eventsPerMessageMax) {
        const rowBytes = page[end]?.bytes ?? 0;
        if (end > index && bytes + rowBytes > messageBytesMax) break;
        bytes += rowBytes;
        end += 1;
      }
      const rows = page.slice(index, end);
      index = end;
      return rows;
    },
    /** Forget the read-ahead: the cursor moved back. */
    reset(): void {
      page = [];
      index = 0;
    },
  };
}

/** Rows through `sequence` leave the outbox; a failure is logged and retried by the next call (rows stay). */
function removeThroughSafely(outbox: Outbox, sequence: number, logger: Logger): boolean {
  try {
    outbox.removeThrough(sequence);
    return true;
  } catch (error) {
    logger.error({ err: errorMessage(error), sequence }, 'outbox removal failed; retried on the next acknowledgement');
    return false;
  }
}

/**
 * PUBACK mode's removal: rows at or below the acknowledged watermark go in one range delete,
 * at most every REMOVE_INTERVAL_MS while documents are in flight (each is an fsync), at once when none are.
 */
function acknowledgedRemover(outbox: Outbox, clock: Clock, logger: Logger) {
  const removal = { through: 0, lastMs: clock.nowMs() };
  return (acknowledgedThrough: number, windowEmpty: boolean): void => {
    if (acknowledgedThrough <= removal.through) return;
    const nowMs = clock.nowMs();
    if (!windowEmpty && nowMs - removal.lastMs < REMOVE_INTERVAL_MS) return;
    if (!removeThroughSafely(outbox, acknowledgedThrough, logger)) return;
    removal.through = acknowledgedThrough;
    removal.lastMs = nowMs;
  };
}

/** Promises resolved once `isDrained()` holds (checked by `notify()`), or false at their timeout. */
function drainWaiters(clock: Clock, isDrained: () => boolean) {
  let waiters: (() => void)[] = [];
  return {
    notify(): void {
      if (waiters.length === 0 || !isDrained()) return;
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    },
    wait(timeoutMs: number): Promise<boolean> {
      if (isDrained()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = clock.setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== done);
          resolve(false);
        }, timeoutMs);
        const done = (): void => {
          timer.cancel();
          resolve(true);
        };
        waiters.push(done);
      });
    },
  };
}

/**
 * Pipelined QoS 1 publishing out of the outbox: pages of rows become EPCIS documents,
 * many documents are in flight at once, and rows leave the outbox once acknowledged:
 * on PUBACK (by contiguous watermark, batched in time) or, with `confirmation: cloud`,
 * once the cloud's committed watermark covers them. Nothing is handed to mqtt.js
 * while disconnected, so its RAM queue never becomes the durability mechanism.
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const publisher = new PipelinedPublisher(options);
  return {
    pump: () => publisher.pump(),
    confirm: (committedThrough) => publisher.confirm(committedThrough),
    stats: () => publisher.stats(),
    waitDrained: (timeoutMs) => publisher.waitDrained(timeoutMs),
    stop: () => publisher.stop(),
  };
}

/** createPublisher's state and steps; one method per step so each reads on its own. */
class PipelinedPublisher {
  private readonly inflight = inflightTracker();
  private readonly batches: ReturnType<typeof pagedBatches>;
  /** Highest sequence handed to mqtt.js. */
  private cursorSequence = 0;
  private readonly awaitConfirmation: boolean;
  private readonly confirmation: { through: number; ackedThrough: number; lastProgressMs: number };
  private stopped = false;
  private readonly counts = { messagesPublished: 0, messagesAcked: 0, eventsAcked: 0, publishErrors: 0 };
  private ackBurst = { scheduled: false, progressed: false };
  private readonly drained: ReturnType<typeof drainWaiters>;
  private readonly removeAcknowledged: ReturnType<typeof acknowledgedRemover>;

  constructor(private readonly options: PublisherOptions) {
    const { outbox, clock, logger } = options;
    this.batches = pagedBatches(outbox, options.eventsPerMessageMax, options.messageBytesMax);
    this.awaitConfirmation = options.confirmation === 'cloud';
    this.confirmation = { through: 0, ackedThrough: 0, lastProgressMs: clock.nowMs() };
    this.drained = drainWaiters(clock, () => this.inflight.size() === 0 && outbox.fill().depth === 0);
    this.removeAcknowledged = acknowledgedRemover(outbox, clock, logger);
  }

  pump(): void {
    if (!this.stopped && this.options.client.connected) {
      this.resendUnconfirmed();
      this.sendWindow();
    }
    // After refilling, so a drain keeps its interval; also on every tick, even offline.
    this.removeAcked();
  }

  confirm(committedThrough: number): void {
    if (!this.awaitConfirmation || committedThrough <= this.confirmation.through) return;
    this.confirmation.through = committedThrough;
    this.confirmation.lastProgressMs = this.options.clock.nowMs();
    // One range delete, however far the watermark moved (no rows read into RAM).
    removeThroughSafely(this.options.outbox, committedThrough, this.options.logger);
    this.drained.notify();
    this.pump();
  }

  stats(): PublisherStats {
    return { ...this.counts, inflightMessages: this.inflight.size() };
  }

  waitDrained(timeoutMs: number): Promise<boolean> {
    return this.drained.wait(timeoutMs);
  }

  stop(): void {
    this.stopped = true;
  }

  private rewind(sequence: number): void {
    this.cursorSequence = Math.min(this.cursorSequence, sequence);
    this.batches.reset();
  }

  /**
   * PUBACK mode: everything at or below the cursor and below every document in flight was
   * acknowledged (a failed publish rewinds the cursor below itself), so it goes in one range delete.
   */
  private removeAcked(): void {
    if (this.awaitConfirmation) return;
    this.removeAcknowledged(Math.min(this.cursorSequence, this.inflight.lowest() - 1), this.inflight.size() === 0);
  }

  /** Once per burst of PUBACKs parsed from one TCP read: refill the window, then maybe remove. */
  private afterAcks(): void {
    const { progressed } = this.ackBurst;
    this.ackBurst = { scheduled: false, progressed: false };
    // Only progress re-arms the pump; after a failure the next tick or connect retries,
    // so a publish that keeps failing cannot spin the event loop.
    if (progressed) this.pump();
    else this.removeAcked();
    this.drained.notify();
  }

  private publishBatch(rows: OutboxRow[]): void {
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first === undefined || last === undefined) return;
    const { client, clock } = this.options;
    this.inflight.add(first.sequence);
    this.cursorSequence = last.sequence;
    this.counts.messagesPublished += 1;
    const creationDate = new Date(clock.nowMs()).toISOString();
    const confirmedThrough = this.awaitConfirmation ? this.confirmation.through : undefined;
    const text = documentText(rows, this.options.gatewayId, creationDate, confirmedThrough);
    client.publish(this.options.topic, text, { qos: 1 }, (error) => this.onPublished(rows, error));
  }

  private onPublished(rows: OutboxRow[], error: Error | undefined): void {
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    this.inflight.delete(first.sequence);
    if (error) {
      this.counts.publishErrors += 1;
      // Rewind so the batch goes out again; a duplicate is harmless (the cloud dedupes by eventID).
      this.rewind(first.sequence - 1);
      const reason = error.message;
      this.options.logger.warn(
        { err: makeError(MqttErrors.PUBLISH_FAILED, { count: rows.length, sequence: first.sequence, reason }).message },
        'publish failed',
      );
    } else {
      // With cloud confirmation the rows stay until the watermark covers them.
      if (this.awaitConfirmation)
        this.confirmation.ackedThrough = Math.max(this.confirmation.ackedThrough, last.sequence);
      this.counts.messagesAcked += 1;
      this.counts.eventsAcked += rows.length;
      this.ackBurst.progressed = true;
    }
    // Deferred to the end of this turn: PUBACKs parsed from one TCP read share one refill.
    if (!this.ackBurst.scheduled) {
      this.ackBurst.scheduled = true;
      queueMicrotask(() => this.afterAcks());
    }
  }

  /** Acked long ago and still not confirmed: lost between broker and cloud; send again from the watermark. */
  private resendUnconfirmed(): void {
    const { confirmation } = this;
    const { clock } = this.options;
    if (!this.awaitConfirmation || confirmation.ackedThrough <= confirmation.through) return;
    if (clock.nowMs() - confirmation.lastProgressMs < (this.options.confirmTimeoutMs ?? 15_000)) return;
    this.options.logger.warn(
      { confirmedThrough: confirmation.through, ackedThrough: confirmation.ackedThrough },
      'acked events not confirmed by the cloud in time; sending them again',
    );
    this.rewind(confirmation.through);
    confirmation.ackedThrough = confirmation.through;
    confirmation.lastProgressMs = clock.nowMs();
  }

  private sendWindow(): void {
    const { client } = this.options;
    while (this.inflight.size() < this.options.inflightMessagesMax && client.connected) {
      const rows = this.batches.take(this.cursorSequence);
      if (rows.length === 0) break;
      const errorsBefore = this.counts.publishErrors;
      this.publishBatch(rows);
      // mqtt.js fails some publishes synchronously (client disconnecting): retrying at once would spin.
      if (this.counts.publishErrors !== errorsBefore) break;
    }
  }
}
