import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import {
  DEADLETTER_TOPIC,
  GATEWAY_TOPICS_SUBSCRIPTION,
  isReservedTopic,
} from '../../../shared/src/contracts/topics.js';
import type { Clock } from '../../../shared/src/clock.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { announcePositionsChanged, type CloudEvents } from '../events.js';
import type { Catalog } from '../ledger/catalog.js';
import type { ApplyResult, LedgerStore } from '../store/ledger-store.js';
import { mapEpcisDocument } from './epcis-to-transactions.js';
import { buildDeadLetter } from './deadletter.js';
import { IngestErrors } from './errors.js';
import { validateMessage, type ValidateOptions } from './validate.js';

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
}

export interface ConsumerStats {
  messagesReceived: number;
  documentsApplied: number;
  eventsApplied: number;
  eventsDuplicate: number;
  deadLettered: Record<string, number>;
  storeFailures: number;
  sequenceGaps: number;
  sequenceReorders: number;
}

/**
 * Subscribes to every gateway's events and status, validates, applies each
 * document to the ledger in one store transaction, and only then lets mqtt.js
 * send PUBACK (ack after commit): a crash between the two re-delivers, and the
 * ledger's idempotency by eventID makes the re-delivery harmless.
 */
export class MovementConsumer {
  private client: MqttClient | null = null;
  private stopping = false;
  private readonly lastSequenceByGateway = new Map<string, number>();
  private readonly counters: ConsumerStats = {
    messagesReceived: 0,
    documentsApplied: 0,
    eventsApplied: 0,
    eventsDuplicate: 0,
    deadLettered: {},
    storeFailures: 0,
    sequenceGaps: 0,
    sequenceReorders: 0,
  };

  constructor(
    private readonly options: ConsumerOptions,
    private readonly deps: { store: LedgerStore; catalog: Catalog; events: CloudEvents; logger: Logger; clock: Clock },
  ) {}

  // Messages wait here until the rest of the cloud (analytics listeners) is attached:
  // a resumed persistent session delivers queued messages as soon as we connect.
  private releaseGate: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.releaseGate = resolve));

  /** Connects and subscribes, then consumes at once. */
  async start(): Promise<void> {
    await this.connect();
    this.beginConsuming();
  }

  /** Lets held and new messages through to the ledger. */
  beginConsuming(): void {
    this.releaseGate();
  }

  /** Connects and subscribes; messages are held until `beginConsuming()`. */
  async connect(): Promise<void> {
    const clientOptions: IClientOptions = {
      clientId: this.options.clientId,
      // A persistent session keeps QoS 1 movements queued at the broker while we are down.
      clean: false,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      username: this.options.username,
      password: this.options.password,
    };
    if (this.options.tls) Object.assign(clientOptions, this.options.tls);
    const client = mqtt.connect(this.options.url, clientOptions);
    this.client = client;
    client.handleMessage = (packet, done) => {
      this.gate
        .then(() => this.handle(packet))
        .then(
          () => done(),
          (error: unknown) => {
            // Only reached while stopping: leave the message un-acked for redelivery.
            this.deps.logger.warn({ err: errorMessage(error), topic: packet.topic }, 'message left un-acked');
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
        client.subscribe(GATEWAY_TOPICS_SUBSCRIPTION, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
      });
      client.once('error', onError);
    });
    this.deps.logger.info(
      { url: redactUrl(this.options.url), clientId: this.options.clientId },
      'cloud consumer subscribed',
    );
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
    return { ...this.counters, deadLettered: { ...this.counters.deadLettered } };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync();
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    this.counters.messagesReceived++;
    if (isReservedTopic(packet.topic)) return;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const message = validateMessage(packet.topic, payload, this.options);
    switch (message.kind) {
      case 'ignored':
        return;
      case 'invalid':
        this.deadLetter(packet.topic, payload, message.error.code, message.error.message);
        return;
      case 'status':
        if (message.status) this.deps.events.emit('gatewayStatus', message.status, packet.topic);
        return;
      case 'events':
        return this.applyDocument(packet.topic, payload, message.siteId, message.gatewayId, message.document);
    }
  }

  private async applyDocument(
    topic: string,
    payload: Buffer,
    siteId: string,
    gatewayId: string,
    document: EpcisDocument,
  ): Promise<void> {
    this.trackSequence(`${siteId}/${gatewayId}`, document['stockwire:sequence'], document.epcisBody.eventList.length);
    const mapped = mapEpcisDocument(document, { siteId, gatewayId }, this.deps.catalog);
    // AggregationEvents (pallet SSCC → cases) carry no quantity: the ObjectEvent beside them books the items.
    const aggregationIds = new Set(
      document.epcisBody.eventList.filter((event) => event.type === 'AggregationEvent').map((event) => event.eventID),
    );
    for (const skipped of mapped.skipped) {
      if (aggregationIds.has(skipped.eventId)) continue;
      const error = makeError(IngestErrors.EVENT_UNMAPPED, { eventId: skipped.eventId, reason: skipped.reason });
      this.deadLetter(topic, payload, error.code, error.message, skipped.eventId);
    }
    if (mapped.transactions.length === 0) return;
    const results = await this.applyWithRetry(mapped.transactions);
    for (const result of results) {
      if (result.status === 'applied') {
        this.counters.eventsApplied++;
      } else if (result.status === 'duplicate') {
        this.counters.eventsDuplicate++;
      } else {
        const definition =
          result.status === 'conflict' ? IngestErrors.DUPLICATE_ID_CONFLICT : IngestErrors.EVENT_REJECTED;
        const error = makeError(definition, { eventId: result.id, reason: result.reason ?? result.code ?? 'unknown' });
        this.deadLetter(topic, payload, error.code, error.message, result.id);
      }
    }
    this.counters.documentsApplied++;
    if (announcePositionsChanged(this.deps.events, results).length > 0) {
      this.logMovements(siteId, gatewayId, document, results);
    }
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

  /** The ledger store being down must not lose the message: retry until it commits or we stop. */
  private async applyWithRetry(transactions: Parameters<LedgerStore['applyBatch']>[0]): Promise<ApplyResult[]> {
    let delayMs = 100;
    for (;;) {
      try {
        return await this.deps.store.applyBatch(transactions);
      } catch (error) {
        this.counters.storeFailures++;
        if (this.stopping) throw error;
        this.deps.logger.error(
          { err: errorMessage(error), retryInMs: delayMs },
          'ledger store failed; message stays un-acked and will be retried',
        );
        await new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, delayMs));
        delayMs = Math.min(delayMs * 2, this.options.storeRetryDelayMsMax);
      }
    }
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
