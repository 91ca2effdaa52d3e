import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import {
  gatewayTopic,
  parseGatewayTopic,
  DEADLETTER_TOPIC,
  isReservedTopic,
  GATEWAY_TOPICS_SUBSCRIPTION,
  POS_TOPICS_SUBSCRIPTION,
} from '../../../shared/src/contracts/topics.js';
import type { Clock } from '../../../shared/src/clock.js';
import { errorMessage, makeError, StockwireError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { announcePositionsChanged, type CloudEvents } from '../events.js';
import type { Catalog } from '../ledger/catalog.js';
import type { ApplyResult, LedgerStore } from '../store/ledger-store.js';
import { mapEpcisDocument } from './epcis-to-transactions.js';
import { buildDeadLetter } from './deadletter.js';
import { IngestErrors } from './errors.js';
import { claimedSequence, validateMessage, type ValidateOptions } from './validate.js';
import { WatermarkTracker } from './watermark.js';
import { GroupCommitter, type CommitJob, type GroupCommitStats, type PoisonedTransaction } from './group-commit.js';
import { failureKind } from './failure-kind.js';
import { SequenceGate, type GateStats } from './sequence-gate.js';
import { CountDigestResolver, type CountDigestStats } from './count-digest-requests.js';
import { COMMITTED_TOPICS_SUBSCRIPTION, consumerSubscriptions, protocolOptions } from './shared-subscription.js';
import { connectReadBack } from './watermark-readback.js';
import { LedgerErrors } from '../ledger/errors.js';
import type { Transaction } from '../ledger/transactions.js';
import type { EpcisCapture } from '../epcis/capture.js';

import { backoffDelayMs } from '../../../shared/src/backoff.js';

/** First wait after the store fails; doubles up to storeRetryDelayMsMax. */
const STORE_RETRY_DELAY_INITIAL_MS = 100;
import type { PosTransaction } from '../../../shared/src/contracts/pos.js';
import { posLineErrors, preparePosTransaction, type PreparedPos } from '../pos/service.js';
import { validatePosMessage } from './pos-message.js';

/** Passed to mqtt.js's handleMessage callback so it skips its own PUBACK (we send it after the commit). */
const ACK_DEFERRED = new Error('PUBACK deferred until the group commit');

interface MessageOrigin {
  topic: string;
  payload: Buffer;
  siteId: string;
  gatewayId: string;
}

function toBuffer(payload: Buffer | string): Buffer {
  return Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
}

export interface ConsumerOptions extends ValidateOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  tls?:
    | { ca?: Buffer | undefined; cert?: Buffer | undefined; key?: Buffer | undefined; rejectUnauthorized: boolean }
    | undefined;
  /** Cut dead-lettered payloads at this size so a flood of junk cannot flood the dead-letter topic. */
  deadLetterPayloadBytesMax: number;
  /** Delay between retries when the ledger store fails (the message stays un-acked meanwhile). */
  storeRetryDelayMsMax: number;
  /** Gateways whose sequence numbers are tracked in memory. */
  trackedGatewaysMax: number;
  /**
   * Publish each gateway's committed-sequence watermark, retained, on its `committed` topic
   * (end-to-end confirmation; default true). Gateways in `confirmation: cloud` mode keep
   * events until it covers them.
   */
  publishWatermarks?: boolean | undefined;
  /** `<site>/<gateway>` of gateways allowed to book at other sites' locations (default none). */
  crossSiteGateways?: readonly string[] | undefined;
  /** Group commit: store transactions per batch at most (default 2,000). */
  commitBatchTransactionsMax?: number | undefined;
  /** Group commit: messages per batch at most (default 1,000). */
  commitBatchMessagesMax?: number | undefined;
  /** Messages taken from the broker but not yet committed, at most (default 4,000); past it we stop reading. */
  commitQueueMessagesMax?: number | undefined;
  /** Share the stream with the other cloud processes of this MQTT 5 shared-subscription group (shared-subscription.ts). */
  sharedGroup?: string | undefined;
  /** With `sharedGroup`: hold a gateway's document past a sequence gap this long at most (default 2,000; sequence-gate.ts). */
  reorderHoldMs?: number | undefined;
  /** With `sharedGroup`: documents held at most (default 4,000); past it they apply at once. */
  reorderHeldMax?: number | undefined;
  /** Count digests: full-set requests to one shelf at most this often (default 60,000; count-digest-requests.ts). */
  countDigestRequestIntervalMs?: number | undefined;
}

/** Where a document sits in its gateway's sequence, for the sequence gate. */
interface GateTicket {
  gatewayKey: string;
  firstSequence: number;
  count: number;
  base: number | undefined;
}
type GatedJob = CommitJob & { ticket?: GateTicket | undefined; receiving?: ReceivingWork | undefined };

/** A document's receipts, matched by receiving when its group-commit batch is prepared. */
interface ReceivingWork {
  input: { document: EpcisDocument; siteId: string; transactions: Transaction[] };
  origin: MessageOrigin;
  acknowledge: () => void;
  prepared?: PreparedReceiving | undefined;
}

interface PreparedReceiving {
  transactions: Transaction[];
  commit(results: readonly ApplyResult[]): Promise<void>;
}

/** What the consumer needs from receiving: each document's transactions to book, and a commit once the ledger booked them. */
export interface ReceivingHook {
  prepareDocuments(
    inputs: readonly { document: EpcisDocument; siteId: string; transactions: Transaction[] }[],
  ): Promise<PreparedReceiving[]>;
}

/** Stopping while receiving's store was down: the message is left un-acked for redelivery. */
/** The consumer stopped while a side store (POS, receiving, EPCIS repository) was unavailable: leave the message un-acked. */
class RetryAbandoned extends Error {}

export interface ConsumerStats {
  messagesReceived: number;
  documentsApplied: number;
  eventsApplied: number;
  eventsDuplicate: number;
  deadLettered: Record<string, number>;
  storeFailures: number;
  /** Events dead-lettered because the store failed on them deterministically (never retried). */
  poisonEvents: number;
  sequenceGaps: number;
  sequenceReorders: number;
  commit: GroupCommitStats;
  countDigests: CountDigestStats;
  /** With `sharedGroup`: documents the sequence gate held (sequence-gate.ts). */
  gate?: GateStats | undefined;
}

/**
 * Subscribes to every gateway's events and status, validates, applies each
 * document to the ledger in one store transaction, and only then lets mqtt.js
 * send PUBACK (ack after commit): a crash between the two re-delivers, and the
 * ledger's idempotency by eventID makes the re-delivery harmless.
 */
export class MovementConsumer {
  private client: MqttClient | null = null;
  /** Shared group: the connection `committed` watermarks are read back on (watermark-readback.ts). */
  private readBackClient: MqttClient | null = null;
  private stopping = false;
  private wakeRetry: (() => void) | undefined;
  private readonly crossSiteGateways: ReadonlySet<string>;
  private readonly watermarks: WatermarkTracker;
  /** Gateways whose watermark moved in the batch being settled; published once per batch. */
  private readonly movedWatermarks = new Map<
    string,
    { siteId: string; gatewayId: string; committedThrough: number; answer: boolean }
  >();
  /** Bumped on every (re)connect: a PUBACK only goes out on the connection its message came in on. */
  private connectionEpoch = 0;
  private readonly committer: GroupCommitter;
  private readonly countDigests: CountDigestResolver;
  private readonly lastSequenceByGateway = new Map<string, number>();
  /** Only with a shared subscription: order per gateway across consumers. */
  private readonly gate: SequenceGate<CommitJob> | undefined;
  private gateTimer: { cancel(): void } | undefined;
  private readonly counters: Omit<ConsumerStats, 'commit' | 'countDigests'> = {
    messagesReceived: 0,
    documentsApplied: 0,
    eventsApplied: 0,
    eventsDuplicate: 0,
    deadLettered: {},
    storeFailures: 0,
    poisonEvents: 0,
    sequenceGaps: 0,
    sequenceReorders: 0,
  };

  constructor(
    private readonly options: ConsumerOptions,
    private readonly deps: {
      store: LedgerStore;
      catalog: Catalog;
      events: CloudEvents;
      logger: Logger;
      clock: Clock;
      /** Matches dock-door receipts against ASNs and POs (cloud/src/receiving) around each batch. */
      receiving?: ReceivingHook | undefined;
      /** The EPCIS event repository: every applied document is stored there too (before the ack). */
      epcis?: Pick<EpcisCapture, 'recordGatewayDocument'> | undefined;
    },
  ) {
    this.crossSiteGateways = new Set(options.crossSiteGateways ?? []);
    this.watermarks = new WatermarkTracker(options.trackedGatewaysMax, options.sharedGroup !== undefined);
    this.committer = this.createCommitter();
    this.countDigests = this.createCountDigests();
    if (options.sharedGroup !== undefined)
      this.gate = new SequenceGate(
        options.reorderHoldMs ?? 2_000,
        options.reorderHeldMax ?? 4_000,
        options.trackedGatewaysMax,
      );
  }

  // Messages wait here until the rest of the cloud (analytics listeners) is attached: a resumed
  // persistent session delivers queued and retained messages as soon as we connect, possibly before
  // the SUBACK, so holding them must not block mqtt.js (the SUBACK would be stuck behind them).
  private consuming = false;
  private readonly held: Array<{ packet: IPublishPacket; epoch: number }> = [];

  /** Connects and subscribes, then consumes at once. */
  async start(): Promise<void> {
    await this.connect();
    this.beginConsuming();
  }

  /** Lets held and new messages through to the ledger. */
  beginConsuming(): void {
    void this.releaseHeld();
  }

  /** Enqueues the held messages in arrival order; new ones keep being held until none is left. */
  private async releaseHeld(): Promise<void> {
    for (let next = this.held.shift(); next; next = this.held.shift()) await this.enqueue(next.packet, next.epoch);
    this.consuming = true;
  }

  /** Connects and subscribes; messages are held until `beginConsuming()`. */
  async connect(): Promise<void> {
    // First, so what the broker carries is known before the first document settles (shared group).
    if (this.options.sharedGroup !== undefined) await this.connectReadBack();
    const clientOptions: IClientOptions = {
      clientId: this.options.clientId,
      // A persistent session keeps QoS 1 movements queued at the broker while we are down.
      clean: false,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      username: this.options.username,
      password: this.options.password,
      ...protocolOptions(this.options.sharedGroup),
    };
    if (this.options.tls) Object.assign(clientOptions, this.options.tls);
    const client = mqtt.connect(this.options.url, clientOptions);
    this.client = client;
    client.on('connect', () => this.connectionEpoch++);
    client.handleMessage = (packet, done) => {
      const epoch = this.connectionEpoch;
      // The PUBACK is ours to send after the commit: passing an error tells mqtt.js to skip its own
      // and move on to the next packet (see group-commit.ts for why).
      if (!this.consuming) {
        this.held.push({ packet, epoch });
        done(ACK_DEFERRED);
        return;
      }
      this.enqueue(packet, epoch).then(
        () => done(ACK_DEFERRED),
        (error: unknown) => {
          this.deps.logger.warn({ err: errorMessage(error), topic: packet.topic }, 'message left un-acked');
          done(ACK_DEFERRED);
        },
      );
    };
    client.on('error', (error) =>
      this.stopping
        ? this.deps.logger.debug({ err: error.message }, 'mqtt client error while stopping')
        : this.deps.logger.warn({ err: error.message }, 'mqtt client error'),
    );
    client.on('reconnect', () => this.deps.logger.debug('mqtt reconnecting'));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      client.once('connect', (connack) => {
        client.off('error', onError);
        // With a resumed session the broker still has our subscriptions; subscribing again is harmless.
        void connack;
        // Every gateway topic, so a message on an unknown kind is dead-lettered instead of silently lost.
        const topics = [GATEWAY_TOPICS_SUBSCRIPTION, POS_TOPICS_SUBSCRIPTION];
        client.subscribe(consumerSubscriptions(this.options.sharedGroup, topics), { qos: 1 }, (error) =>
          error ? reject(error) : resolve(),
        );
        // A session made before read-backs had their own connection still holds the plain filter.
        if (this.options.sharedGroup !== undefined) client.unsubscribe(COMMITTED_TOPICS_SUBSCRIPTION);
      });
      client.once('error', onError);
    });
    this.deps.logger.info(
      { url: redactUrl(this.options.url), clientId: this.options.clientId, sharedGroup: this.options.sharedGroup },
      'cloud consumer subscribed',
    );
    if (this.gate) {
      const holdMs = this.options.reorderHoldMs ?? 2_000;
      this.gateTimer = this.deps.clock.setInterval(
        () => this.submitReleased(this.gate?.expire(this.deps.clock.nowMs()) ?? []),
        Math.max(10, Math.floor(holdMs / 4)),
      );
    }
  }

  /**
   * The connected client, for other cloud parts that publish (alerts). They must not await a
   * QoS 1 publish from inside the message handler: incoming packets, PUBACKs included, are
   * processed one at a time after the handler finishes.
   */
  mqttClient(): MqttClient {
    if (!this.client) throw new Error('consumer not started');
    return this.client;
  }

  stats(): ConsumerStats {
    return {
      ...this.counters,
      deadLettered: { ...this.counters.deadLettered },
      commit: this.committer.stats(),
      countDigests: this.countDigests.stats(),
      gate: this.gate?.stats(),
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    this.gateTimer?.cancel();
    this.submitReleased(this.gate?.drain() ?? []);
    // Commit (and ack) what is queued; an unavailable store gives up at once while stopping.
    await this.committer.idle();
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync();
    const readBack = this.readBackClient;
    this.readBackClient = null;
    if (readBack) await readBack.endAsync();
  }

  private async connectReadBack(): Promise<void> {
    const { url, clientId, username, password, tls } = this.options;
    this.readBackClient = await connectReadBack(
      { url, clientId, username, password, tls },
      (topic, payload, retained) => {
        const message = validateMessage(topic, payload, this.options);
        if (message.kind === 'committed')
          this.adoptWatermark(message.siteId, message.gatewayId, message.committedThrough, retained);
      },
      this.deps.logger,
    );
  }

  /** Validates and maps one message, then queues it for the next group commit. */
  private async enqueue(packet: IPublishPacket, epoch: number): Promise<void> {
    const acknowledge = () => this.acknowledge(packet, epoch);
    let job: CommitJob;
    try {
      job = (await this.tillJob(packet, acknowledge)) ?? (await this.prepare(packet, acknowledge));
    } catch (error) {
      if (error instanceof RetryAbandoned) return;
      // A bug or an input no rule foresaw: set the message aside rather than stall every gateway behind it.
      job = this.noWork(acknowledge);
      this.deadLetterFailure(packet.topic, toBuffer(packet.payload), error);
    }
    const ticket = (job as GatedJob).ticket;
    if (this.gate && ticket) {
      const { gatewayKey, firstSequence, count, base } = ticket;
      if (!this.gate.offer(gatewayKey, firstSequence, count, base, job, this.deps.clock.nowMs())) return;
    }
    await this.committer.submit(job);
  }

  /** Documents the sequence gate let go (their turn came, or they waited long enough). */
  private submitReleased(entries: readonly { item: CommitJob }[]): void {
    for (const { item } of entries)
      this.committer.submit(item).catch((error: unknown) => {
        this.deps.logger.warn({ err: errorMessage(error) }, 'released document not queued');
      });
  }

  private async prepare(packet: IPublishPacket, acknowledge: () => void): Promise<CommitJob> {
    this.counters.messagesReceived++;
    if (isReservedTopic(packet.topic)) return this.noWork(acknowledge);
    const payload = toBuffer(packet.payload);
    const message = validateMessage(packet.topic, payload, this.options);
    switch (message.kind) {
      case 'ignored':
        return this.noWork(acknowledge);
      case 'invalid':
        this.deadLetter(packet.topic, payload, message.error.code, message.error.message);
        return this.noWork(acknowledge, () => this.settleRejected(packet.topic, payload));
      case 'committed':
        // Shared group: this copy comes through the shared filter, behind documents (possibly a resumed
        // session's backlog): only its value is taken; what the broker carries is read on readBackClient.
        if (this.gate) this.adoptLate(message.siteId, message.gatewayId, message.committedThrough);
        else this.adoptWatermark(message.siteId, message.gatewayId, message.committedThrough, packet.retain);
        return this.noWork(acknowledge);
      case 'status':
        if (message.status) this.deps.events.emit('gatewayStatus', message.status, packet.topic);
        return this.noWork(acknowledge);
      case 'events':
        return this.documentJob(
          { topic: packet.topic, payload, siteId: message.siteId, gatewayId: message.gatewayId },
          message.document,
          acknowledge,
        );
    }
  }

  /**
   * A till message (`stockwire/v1/<site>/pos/<till>/transactions`), undefined for any other topic. Mapping a
   * void or return reads the ledger (the sale's lines), so it happens here, before the job joins the group
   * commit; the same validation, dead-letter, idempotency and ack-after-commit rules as gateway events apply.
   */
  private async tillJob(packet: IPublishPacket, acknowledge: () => void): Promise<CommitJob | undefined> {
    if (isReservedTopic(packet.topic)) return undefined;
    const payload = toBuffer(packet.payload);
    const till = validatePosMessage(packet.topic, payload, this.options.payloadBytesMax);
    if (till.kind === 'not_pos') return undefined;
    this.counters.messagesReceived++;
    if (till.kind === 'invalid') {
      this.deadLetter(packet.topic, payload, till.error.code, till.error.message);
      return this.noWork(acknowledge);
    }
    const pos = till.transaction;
    const prepared = await this.preparePosWithRetry(pos);
    if (prepared.kind === 'refused') {
      this.deadLetter(packet.topic, payload, prepared.error.code, prepared.error.message, pos.id);
      return this.noWork(acknowledge);
    }
    return {
      transactions: prepared.transactions,
      committed: (results, poisoned) => {
        for (const { transaction, error } of poisoned) this.setAside(packet.topic, payload, transaction, error);
        this.recordTillResults(packet.topic, payload, pos, results);
        acknowledge();
      },
    };
  }

  private preparePosWithRetry(pos: PosTransaction): Promise<PreparedPos> {
    return this.retryWhileUnavailable(
      () => preparePosTransaction(pos, this.deps),
      (error) => failureKind(error) === 'store_unavailable',
      'POS preparation',
    );
  }

  private recordTillResults(topic: string, payload: Buffer, pos: PosTransaction, results: ApplyResult[]): void {
    for (const result of results)
      if (result.status === 'applied') this.counters.eventsApplied++;
      else if (result.status === 'duplicate') this.counters.eventsDuplicate++;
    for (const error of posLineErrors(pos, results)) this.deadLetter(topic, payload, error.code, error.message, pos.id);
    announcePositionsChanged(this.deps.events, results);
  }

  private noWork(acknowledge: () => void, settle?: () => void): CommitJob {
    if (!settle) return { transactions: [], committed: acknowledge };
    return {
      transactions: [],
      committed: () => {
        settle();
        acknowledge();
      },
    };
  }

  /** A document dead-lettered for good still counts as settled for its gateway's watermark. */
  private settleRejected(topic: string, payload: Buffer): void {
    const parsed = parseGatewayTopic(topic);
    const range = parsed?.kind === 'events' ? claimedSequence(payload) : undefined;
    if (parsed && range) this.settle(parsed.siteId, parsed.gatewayId, range.firstSequence, range.count, undefined);
  }

  private settle(
    siteId: string,
    gatewayId: string,
    firstSequence: number,
    count: number,
    declaredBase: number | undefined,
  ): void {
    if (this.options.publishWatermarks === false) return;
    const gatewayKey = `${siteId}/${gatewayId}`;
    const moved = this.watermarks.settle(gatewayKey, firstSequence, count, declaredBase);
    if (moved === undefined) {
      // Shared group: a resent document already covered means the gateway did not hear the watermark;
      // say it again unless the broker already carried as much (then it would only race a newer value).
      const known = this.watermarks.get(gatewayKey);
      if (
        this.gate &&
        known !== undefined &&
        firstSequence + count - 1 <= known &&
        this.watermarks.advancesBroker(gatewayKey, known)
      )
        this.queueWatermark(siteId, gatewayId, known);
      return;
    }
    if (this.gate) this.submitReleased(this.gate.advance(gatewayKey, moved));
    if (!this.gate || this.watermarks.advancesBroker(gatewayKey, moved)) this.queueWatermark(siteId, gatewayId, moved);
  }

  /** `answer`: readBack's answer to a broker value below what is known (else an advance of ours). */
  private queueWatermark(siteId: string, gatewayId: string, committedThrough: number, answer = false): void {
    // Shared group: a turn of the event loop later, so read-backs that arrived meanwhile are in when
    // publishWatermarks checks again (a value decided on a stale view would step the broker back).
    if (this.movedWatermarks.size === 0)
      if (this.gate) setImmediate(() => this.publishWatermarks());
      else queueMicrotask(() => this.publishWatermarks());
    const key = `${siteId}/${gatewayId}`;
    const queued = this.movedWatermarks.get(key);
    this.movedWatermarks.set(key, {
      siteId,
      gatewayId,
      committedThrough: Math.max(committedThrough, queued?.committedThrough ?? 0),
      answer: answer || queued?.answer === true,
    });
  }

  /** A watermark read back (retained, or published by us or another consumer of the group). */
  private adoptWatermark(siteId: string, gatewayId: string, committedThrough: number, retained: boolean): void {
    const gatewayKey = `${siteId}/${gatewayId}`;
    const republish = this.watermarks.readBack(gatewayKey, committedThrough, retained);
    const known = this.watermarks.get(gatewayKey);
    if (!this.gate || known === undefined) return;
    this.submitReleased(this.gate.advance(gatewayKey, known));
    // Several consumers: what we settled ahead may join it, or the broker holds less than is known
    // (watermark.ts, readBack); values only grow, so this settles.
    if (republish !== undefined && this.options.publishWatermarks !== false)
      this.queueWatermark(siteId, gatewayId, republish, true);
  }

  /** A watermark that may be old by now (shared group, consumer's connection): taken as a lower bound only. */
  private adoptLate(siteId: string, gatewayId: string, committedThrough: number): void {
    const gatewayKey = `${siteId}/${gatewayId}`;
    const moved = this.watermarks.adopt(gatewayKey, committedThrough);
    if (moved === undefined || !this.gate) return;
    this.submitReleased(this.gate.advance(gatewayKey, moved));
    // Ranges settled ahead joined it: an advance of ours, published when the broker has not carried it.
    if (moved > committedThrough && this.options.publishWatermarks !== false)
      if (this.watermarks.advancesBroker(gatewayKey, moved)) this.queueWatermark(siteId, gatewayId, moved);
  }

  /** Retained, so a gateway that reconnects (or the cloud after a restart) reads the latest at once. */
  private publishWatermarks(): void {
    const time = new Date(this.deps.clock.nowMs()).toISOString();
    for (const [key, { siteId, gatewayId, committedThrough, answer }] of this.movedWatermarks) {
      if (this.gate && !this.watermarks.stillWorthPublishing(key, committedThrough, answer)) continue;
      const topic = gatewayTopic(siteId, gatewayId, 'committed');
      this.client?.publish(topic, JSON.stringify({ committedThrough, time }), { qos: 1, retain: true }, (error) => {
        if (error) this.deps.logger.warn({ err: error.message, topic }, 'could not publish committed watermark');
      });
    }
    this.movedWatermarks.clear();
  }

  private async documentJob(
    origin: MessageOrigin,
    document: EpcisDocument,
    acknowledge: () => void,
  ): Promise<CommitJob> {
    const { topic, payload, siteId, gatewayId } = origin;
    this.trackSequence(`${siteId}/${gatewayId}`, document['stockwire:sequence'], document.epcisBody.eventList.length);
    const crossSite = this.crossSiteGateways.has(`${siteId}/${gatewayId}`);
    const counts = await this.countDigests.resolve(document, siteId, gatewayId);
    const mapped = mapEpcisDocument(document, { siteId, gatewayId, crossSite }, this.deps.catalog, counts);
    // AggregationEvents (pallet SSCC → cases) carry no quantity: the ObjectEvent beside them books the items.
    const aggregationIds = new Set(
      document.epcisBody.eventList.filter((event) => event.type === 'AggregationEvent').map((event) => event.eventID),
    );
    const deadLettered = new Set<string>();
    for (const skipped of mapped.skipped) {
      if (aggregationIds.has(skipped.eventId)) continue;
      deadLettered.add(skipped.eventId);
      const error = makeError(IngestErrors.EVENT_UNMAPPED, { eventId: skipped.eventId, reason: skipped.reason });
      this.deadLetter(topic, payload, error.code, error.message, skipped.eventId);
    }
    // Receiving prices dock receipts at PO price and splits them per PO line (its plan is stored first),
    // for the whole batch at once when the committer takes it (prepareReceiving).
    const receiving: ReceivingWork | undefined =
      this.deps.receiving && mapped.transactions.length > 0
        ? { input: { document, siteId, transactions: mapped.transactions }, origin, acknowledge }
        : undefined;
    const firstSequence = document['stockwire:sequence'];
    const ticket: GateTicket | undefined =
      firstSequence === undefined
        ? undefined
        : {
            gatewayKey: `${siteId}/${gatewayId}`,
            firstSequence,
            count: document.epcisBody.eventList.length,
            base: document['stockwire:confirmedThrough'],
          };
    const job: GatedJob = {
      ticket,
      receiving,
      transactions: mapped.transactions,
      committed: (results, poisoned) => {
        const prepared = receiving?.prepared;
        for (const { transaction, error } of poisoned) this.setAside(topic, payload, transaction, error);
        if (mapped.transactions.length > 0) this.recordResults(origin, document, results);
        // Settled (and acked) only once the POs and ASNs took what the ledger booked: a redelivery
        // re-commits idempotently, and the gateway's watermark never runs ahead of receiving.
        const finish = () => {
          const firstSequence = document['stockwire:sequence'];
          const count = document.epcisBody.eventList.length;
          if (firstSequence !== undefined)
            this.settle(siteId, gatewayId, firstSequence, count, document['stockwire:confirmedThrough']);
          acknowledge();
        };
        const recorded = this.recordEpcisEvents(document, siteId, results, poisoned, deadLettered);
        if (!prepared && !recorded) return finish();
        const receivingDone = prepared ? this.retryReceiving(() => prepared.commit(results)) : undefined;
        Promise.all([receivingDone, recorded]).then(finish, () => undefined);
      },
    };
    return job;
  }

  /**
   * The committer's prepareBatch: receiving matches every dock document of the batch in one step. A document
   * it fails on for good is dead-lettered alone (the batch is narrowed down document by document); false when
   * we stopped while its store was down (the batch stays un-acked).
   */
  private async prepareReceiving(batch: readonly CommitJob[]): Promise<boolean> {
    const receiving = this.deps.receiving;
    const jobs = (batch as readonly GatedJob[]).filter((job) => job.receiving && !job.receiving.prepared);
    if (!receiving || jobs.length === 0) return true;
    const works = jobs.map((job) => job.receiving as ReceivingWork);
    try {
      const prepared = await this.retryReceiving(() => receiving.prepareDocuments(works.map((work) => work.input)));
      jobs.forEach((job, index) => {
        const done = prepared[index] as PreparedReceiving;
        (job.receiving as ReceivingWork).prepared = done;
        job.transactions = done.transactions;
      });
      return true;
    } catch (error) {
      if (error instanceof RetryAbandoned) return false;
      if (jobs.length > 1) {
        for (const job of jobs) if (!(await this.prepareReceiving([job]))) return false;
        return true;
      }
      // A bug or an input no rule foresaw: set the message aside rather than stall every gateway behind it.
      const [job, work] = [jobs[0] as GatedJob, works[0] as ReceivingWork];
      job.transactions = [];
      job.committed = work.acknowledge;
      this.deadLetterFailure(work.origin.topic, work.origin.payload, error);
      return true;
    }
  }

  private recordResults(origin: MessageOrigin, document: EpcisDocument, results: readonly ApplyResult[]): void {
    for (const result of results) {
      if (result.status === 'applied') {
        this.counters.eventsApplied++;
      } else if (result.status === 'duplicate') {
        this.counters.eventsDuplicate++;
      } else {
        const definition =
          result.status === 'conflict'
            ? IngestErrors.DUPLICATE_ID_CONFLICT
            : result.code === LedgerErrors.SITE_MISMATCH.code
              ? IngestErrors.SITE_MISMATCH
              : IngestErrors.EVENT_REJECTED;
        const error = makeError(definition, { eventId: result.id, reason: result.reason ?? result.code ?? 'unknown' });
        this.deadLetter(origin.topic, origin.payload, error.code, error.message, result.id);
      }
    }
    this.counters.documentsApplied++;
    if (announcePositionsChanged(this.deps.events, results).length > 0) {
      this.logMovements(origin.siteId, origin.gatewayId, document, results);
    }
  }

  /**
   * Sends the PUBACK for a committed message, in arrival order. A message that arrived on an
   * earlier connection is not acked here: the broker redelivers it on the new one, and the
   * ledger's idempotency turns that second delivery into a duplicate.
   */
  private acknowledge(packet: IPublishPacket, epoch: number): void {
    const client = this.client;
    if (!client || packet.qos === 0 || packet.messageId === undefined) return;
    if (epoch !== this.connectionEpoch || !client.connected) return;
    client['_sendPacket']({ cmd: 'puback', messageId: packet.messageId }, () => undefined);
  }

  private setAside(topic: string, payload: Buffer, transaction: Transaction, failure: unknown): void {
    const eventId = transaction.id ?? 'unknown';
    const error = makeError(IngestErrors.EVENT_POISON, { eventId, reason: errorMessage(failure) });
    this.counters.poisonEvents++;
    this.deadLetter(topic, payload, error.code, error.message, eventId);
  }

  private deadLetterFailure(topic: string, payload: Buffer, error: unknown): void {
    const failure = makeError(IngestErrors.APPLY_FAILED, { reason: errorMessage(error) });
    this.deadLetter(topic, payload, failure.code, failure.message);
  }

  private logMovements(
    siteId: string,
    gatewayId: string,
    document: EpcisDocument,
    results: readonly ApplyResult[],
  ): void {
    const appliedIds = new Set(results.filter((result) => result.status === 'applied').map((result) => result.id));
    for (const event of document.epcisBody.eventList) {
      if (!appliedIds.has(event.eventID) || event.type !== 'ObjectEvent') continue;
      this.deps.logger.info(
        {
          site: siteId,
          gateway: gatewayId,
          bizStep: event.bizStep,
          location: event.bizLocation.id,
          items: event.epcList.length,
          eventId: event.eventID,
        },
        `${event.bizStep}: ${event.epcList.length} item(s) at ${event.bizLocation.id}`,
      );
    }
  }

  /** Digest counts read the books at the shelf; a disagreement asks the gateway for its full set (not awaited: see deadLetter). */
  private createCountDigests(): CountDigestResolver {
    const { store, clock, logger } = this.deps;
    return new CountDigestResolver(
      {
        requestIntervalMs: this.options.countDigestRequestIntervalMs ?? 60_000,
        shelvesTrackedMax: this.options.trackedGatewaysMax,
      },
      {
        books: async (location, limit) =>
          (await store.epcsWhere({ status: 'in_stock', locations: [location], limit })).map((row) => row.epc),
        publish: (topic, payload) =>
          this.client?.publish(topic, payload, { qos: 1 }, (error) => {
            if (error) logger.warn({ err: error.message, topic }, 'could not publish a full-count request');
          }),
        clock,
        logger,
      },
    );
  }

  private createCommitter(): GroupCommitter {
    return new GroupCommitter(
      {
        batchTransactionsMax: this.options.commitBatchTransactionsMax ?? 2_000,
        batchMessagesMax: this.options.commitBatchMessagesMax ?? 1_000,
        queueMessagesMax: this.options.commitQueueMessagesMax ?? 4_000,
      },
      {
        applyBatch: (transactions) => this.deps.store.applyBatch(transactions),
        isRetryable: (error) => failureKind(error) === 'store_unavailable',
        backoff: (attempt) => this.waitBeforeRetry(attempt),
        prepareBatch: (batch) => this.prepareReceiving(batch),
      },
    );
  }

  /** The ledger store being down must not lose a message: the batch stays un-acked and is retried. */
  private async waitBeforeRetry(attempt: number): Promise<boolean> {
    this.counters.storeFailures++;
    if (this.stopping) return false;
    // The shared backoff, without jitter: one consumer retrying its own store has no herd to spread.
    const delayMs = backoffDelayMs(
      {
        initialDelayMs: STORE_RETRY_DELAY_INITIAL_MS,
        maxDelayMs: this.options.storeRetryDelayMsMax,
        multiplier: 2,
        jitterRatio: 0,
      },
      attempt,
      0,
    );
    this.deps.logger.error({ retryInMs: delayMs }, 'ledger store unavailable; batch stays un-acked and is retried');
    await this.sleepUnlessStopping(delayMs);
    return !this.stopping;
  }

  /**
   * Stores the document in the EPCIS repository, minus what was dead-lettered or refused (the same rule as for
   * captured events); retried like the ledger, and the ack waits for it. Undefined without a repository.
   */
  private recordEpcisEvents(
    document: EpcisDocument,
    siteId: string,
    results: readonly ApplyResult[],
    poisoned: readonly PoisonedTransaction[],
    deadLettered: ReadonlySet<string>,
  ): Promise<void> | undefined {
    const epcis = this.deps.epcis;
    if (!epcis) return undefined;
    const refused = new Set(deadLettered);
    for (const result of results)
      if (result.status === 'rejected' || result.status === 'conflict') refused.add(result.id);
    for (const { transaction } of poisoned) if (transaction.id !== undefined) refused.add(transaction.id);
    return this.retryWhileUnavailable(
      () => epcis.recordGatewayDocument(document, siteId, refused),
      () => true,
      'EPCIS event store',
    );
  }

  /** Receiving's store being down must not lose the message either: retry until it answers or we stop. */
  private retryReceiving<T>(step: () => Promise<T>): Promise<T> {
    return this.retryWhileUnavailable(step, (error) => !(error instanceof StockwireError), 'receiving store');
  }

  /**
   * The one retry loop for the stores beside the ledger: `retryable` errors wait the ledger's backoff and
   * try again; anything else is thrown; stopping throws RetryAbandoned, so the message stays un-acked.
   */
  private async retryWhileUnavailable<T>(
    step: () => Promise<T>,
    retryable: (error: unknown) => boolean,
    what: string,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!retryable(error)) throw error;
        this.deps.logger.error({ err: errorMessage(error) }, `${what} failed; message stays un-acked`);
        if (!(await this.waitBeforeRetry(attempt))) throw new RetryAbandoned();
      }
    }
  }

  /** A retry wait that stop() cuts short, so SIGTERM never waits out a backoff. */
  private sleepUnlessStopping(delayMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.deps.clock.setTimeout(() => {
        this.wakeRetry = undefined;
        resolve();
      }, delayMs);
      this.wakeRetry = () => {
        timer.cancel();
        this.wakeRetry = undefined;
        resolve();
      };
    });
  }

  /** `sequence` is the gateway's number of the document's first event; the next document starts after the last one. */
  private trackSequence(gatewayKey: string, sequence: number | undefined, eventCount: number): void {
    if (sequence === undefined) return;
    const previous = this.lastSequenceByGateway.get(gatewayKey);
    if (previous !== undefined) {
      if (sequence > previous + 1) {
        this.counters.sequenceGaps++;
        this.deps.logger.warn(
          { gateway: gatewayKey, previous, sequence },
          'sequence gap: messages still in flight or lost upstream',
        );
      } else if (sequence <= previous) {
        // QoS 1 redelivery or a gateway restart resending its outbox: harmless, ids dedupe.
        this.counters.sequenceReorders++;
      }
    }
    if (previous === undefined && this.lastSequenceByGateway.size >= this.options.trackedGatewaysMax) {
      const oldest = this.lastSequenceByGateway.keys().next().value;
      if (oldest !== undefined) this.lastSequenceByGateway.delete(oldest);
    }
    this.lastSequenceByGateway.set(gatewayKey, Math.max(sequence + eventCount - 1, previous ?? 0));
  }

  private deadLetter(topic: string, payload: Buffer, code: string, reason: string, eventId?: string): void {
    this.counters.deadLettered[code] = (this.counters.deadLettered[code] ?? 0) + 1;
    const receivedAt = new Date(this.deps.clock.nowMs()).toISOString();
    this.deps.logger.warn({ code, topic, eventId }, `dead-lettered: ${reason.split('\n')[0]}`);
    this.deps.events.emit('deadLetter', { topic, reason, code, time: receivedAt });
    const letter = buildDeadLetter({
      code,
      reason,
      topic,
      receivedAt,
      payload,
      payloadBytesMax: this.options.deadLetterPayloadBytesMax,
      ...(eventId === undefined ? {} : { eventId }),
    });
    // Not awaited: mqtt.js handles incoming packets one at a time, so waiting here for the
    // dead letter's PUBACK (an incoming packet) would deadlock behind the message we are handling.
    this.client?.publish(DEADLETTER_TOPIC, JSON.stringify(letter), { qos: 1 }, (error) => {
      if (error) this.deps.logger.error({ err: error.message, code }, 'could not publish dead letter');
    });
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
