import { buildEpcisDocument } from '../../../shared/src/contracts/epcis.js';
import type { Clock } from '../../../shared/src/clock.js';
import { makeError } from '../../../shared/src/errors.js';
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

/**
 * Pipelined QoS 1 publishing out of the outbox: batches of events become one
 * EPCIS document each, many documents are in flight at once, and rows leave
 * the outbox only when their PUBACK arrives. Nothing is handed to mqtt.js
 * while disconnected, so its RAM queue never becomes the durability mechanism.
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const { client, outbox, logger, clock } = options;
  const inflight = new Set<number>();
  let cursorSequence = 0; // highest sequence handed to mqtt.js
  const awaitConfirmation = options.confirmation === 'cloud';
  const confirmation = { through: 0, ackedThrough: 0, lastProgressMs: clock.nowMs() };
  let stopped = false;
  const stats = { messagesPublished: 0, messagesAcked: 0, eventsAcked: 0, publishErrors: 0 };
  let drainWaiters: (() => void)[] = [];
  // Acked rows are removed in one transaction per batch of PUBACKs: with synchronous=FULL
  // every transaction is an fsync, and PUBACKs of a pipelined window arrive together.
  let ackedSequences: number[] = [];
  let removalScheduled = false;

  const isDrained = (): boolean => inflight.size === 0 && ackedSequences.length === 0 && outbox.fill().depth === 0;
  const notifyDrained = (): void => {
    if (drainWaiters.length === 0 || !isDrained()) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const removeAcked = (): void => {
    removalScheduled = false;
    const sequences = ackedSequences;
    ackedSequences = [];
    if (sequences.length > 0) outbox.remove(sequences);
    notifyDrained();
    // Only progress re-arms the pump; after a failure the next tick or connect retries,
    // so a publish that keeps failing cannot spin the event loop.
    if (!stopped && sequences.length > 0) pump();
  };

  const takeBatch = (): OutboxRow[] => {
    const rows = outbox.readAfter(cursorSequence, options.eventsPerMessageMax);
    let bytes = 0;
    let count = 0;
    for (const row of rows) {
      if (count > 0 && bytes + row.bytes > options.messageBytesMax) break;
      bytes += row.bytes;
      count += 1;
    }
    return rows.slice(0, count);
  };

  const publishBatch = (rows: OutboxRow[]): void => {
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first === undefined || last === undefined) return;
    const messageId = first.sequence;
    inflight.add(messageId);
    cursorSequence = last.sequence;
    stats.messagesPublished += 1;
    const creationDate = new Date(clock.nowMs()).toISOString();
    const text = documentText(
      rows,
      options.gatewayId,
      creationDate,
      awaitConfirmation ? confirmation.through : undefined,
    );
    client.publish(options.topic, text, { qos: 1 }, (error) => {
      inflight.delete(messageId);
      if (error) {
        stats.publishErrors += 1;
        // Rewind so the batch goes out again; a duplicate is harmless (the cloud dedupes by eventID).
        cursorSequence = Math.min(cursorSequence, first.sequence - 1);
        logger.warn(
          {
            err: makeError(MqttErrors.PUBLISH_FAILED, {
              count: rows.length,
              sequence: first.sequence,
              reason: error.message,
            }).message,
          },
          'publish failed',
        );
      } else {
        // With cloud confirmation the rows stay until the watermark covers them.
        if (awaitConfirmation) confirmation.ackedThrough = Math.max(confirmation.ackedThrough, last.sequence);
        else for (const row of rows) ackedSequences.push(row.sequence);
        stats.messagesAcked += 1;
        stats.eventsAcked += rows.length;
      }
      // Deferred to the end of this turn: PUBACKs parsed from one TCP read share one removal.
      if (!removalScheduled) {
        removalScheduled = true;
        queueMicrotask(removeAcked);
      }
    });
  };

  /** Acked long ago and still not confirmed: lost between broker and cloud; send again from the watermark. */
  const resendUnconfirmed = (): void => {
    if (!awaitConfirmation || confirmation.ackedThrough <= confirmation.through) return;
    if (clock.nowMs() - confirmation.lastProgressMs < (options.confirmTimeoutMs ?? 15_000)) return;
    logger.warn(
      { confirmedThrough: confirmation.through, ackedThrough: confirmation.ackedThrough },
      'acked events not confirmed by the cloud in time; sending them again',
    );
    cursorSequence = Math.min(cursorSequence, confirmation.through);
    confirmation.ackedThrough = confirmation.through;
    confirmation.lastProgressMs = clock.nowMs();
  };

  const confirm = (committedThrough: number): void => {
    if (!awaitConfirmation || committedThrough <= confirmation.through) return;
    confirmation.through = committedThrough;
    confirmation.lastProgressMs = clock.nowMs();
    for (;;) {
      const rows = outbox.readAfter(0, 1_000).filter((row) => row.sequence <= committedThrough);
      if (rows.length === 0 || outbox.remove(rows.map((row) => row.sequence)) === 0) break;
    }
    notifyDrained();
    pump();
  };

  function pump(): void {
    if (stopped || !client.connected) return;
    resendUnconfirmed();
    while (inflight.size < options.inflightMessagesMax && client.connected) {
      const rows = takeBatch();
      if (rows.length === 0) break;
      const errorsBefore = stats.publishErrors;
      publishBatch(rows);
      // mqtt.js fails some publishes synchronously (client disconnecting): retrying at once would spin.
      if (stats.publishErrors !== errorsBefore) break;
    }
  }

  return {
    pump,
    confirm,
    stats: () => ({ ...stats, inflightMessages: inflight.size }),
    waitDrained(timeoutMs) {
      if (isDrained()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = clock.setTimeout(() => {
          drainWaiters = drainWaiters.filter((waiter) => waiter !== done);
          resolve(false);
        }, timeoutMs);
        const done = (): void => {
          timer.cancel();
          resolve(true);
        };
        drainWaiters.push(done);
      });
    },
    stop() {
      stopped = true;
    },
  };
}
