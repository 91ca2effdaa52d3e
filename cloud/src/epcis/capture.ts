import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../shared/src/clock.js';
import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import type { NamespaceMap } from '../../../shared/src/epcis/event-hash.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { announcePositionsChanged, type CloudEvents } from '../events.js';
import type { Catalog } from '../ledger/catalog.js';
import type { Transaction } from '../ledger/transactions.js';
import type { LedgerStore } from '../store/ledger-store.js';
import type { CapturedEvent } from './capture-document.js';
import { conflictError, mapCapturedEvents, validationError, type JobError } from './capture-mapping.js';
import { EpcisErrors } from './errors.js';
import { eventRecord } from './event-record.js';
import type { CaptureJob, EpcisEventStore, StoredEventInput } from './event-store.js';

export type { JobError } from './capture-mapping.js';

/** Told about every event stored in the repository (MQTT or capture), after it commits: `receiving` reacts here. */
/** Gateway events written to the repository in one store call at most (bounds one transaction's size). */
const COALESCED_RECORDS_MAX = 5_000;

export type EpcisEventListener = (events: readonly StoredEventInput[]) => void;

export interface CaptureDependencies {
  ledger: LedgerStore;
  repository: EpcisEventStore;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  cloudEvents?: CloudEvents;
  /** Queue every stored event for the external EPCIS repository (see forwarder.ts). */
  forward: boolean;
  /** Capture jobs kept in the store. */
  jobsKeptMax?: number;
}

export type CaptureBehaviour = CaptureJob['captureErrorBehaviour'];

const SKIPPED_AS_ERROR = new Set(['rejected', 'conflict']);

/**
 * One path for every event: captured events go through the same strict validation, idempotency (eventID) and
 * ledger mapping as the MQTT consumer's, then into the event repository. Jobs run one at a time, in order, so two
 * captures of the same ASN cannot interleave.
 */
export class EpcisCapture {
  private readonly listeners: EpcisEventListener[] = [];
  private readonly pendingRecords: Array<{
    records: readonly StoredEventInput[];
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(private readonly deps: CaptureDependencies) {}

  /** Registers a listener for stored events (e.g. receiving's ASN matching of packing / shipping events). */
  onEventsStored(listener: EpcisEventListener): void {
    this.listeners.push(listener);
  }

  /** Creates a running job and processes the events in the background; the job record is saved first. */
  async startJob(
    events: readonly (CapturedEvent | { error: string; index: number })[],
    namespaces: NamespaceMap,
    behaviour: CaptureBehaviour,
  ): Promise<CaptureJob> {
    const job: CaptureJob = {
      captureID: randomUUID(),
      createdAt: new Date(this.deps.clock.nowMs()).toISOString(),
      finishedAt: null,
      running: true,
      success: false,
      captureErrorBehaviour: behaviour,
      errors: [],
    };
    await this.deps.repository.saveJob(job, this.deps.jobsKeptMax);
    const run = async () => {
      const errors = await this.processSafely(events, namespaces, behaviour, `capture:${job.captureID}`);
      const finished = { ...job, running: false, success: errors.length === 0, errors };
      await this.deps.repository.saveJob({ ...finished, finishedAt: new Date(this.deps.clock.nowMs()).toISOString() });
    };
    this.enqueue(run);
    return job;
  }

  /** Jobs and single events waiting or running: the routes refuse new work above `captureQueueMax`. */
  pending(): number {
    return this.queued;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queued++;
    // Start on a later turn of the event loop: the 202 for a job goes out before its (mostly synchronous) work.
    const later = () => new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, 0));
    const run = () =>
      later()
        .then(work)
        .finally(() => this.queued--);
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  /** Waits until every job started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  /** `POST /events`: one event, synchronously (in the same queue as the jobs). */
  async captureEvent(event: CapturedEvent, namespaces: NamespaceMap): Promise<JobError[]> {
    let errors: JobError[] = [];
    const run = async () => {
      errors = await this.process([event], namespaces, 'rollback', 'capture:event');
    };
    await this.enqueue(run);
    return errors;
  }

  /** Stores a gateway document the MQTT consumer has applied, minus the events the ledger refused. */
  async recordGatewayDocument(document: EpcisDocument, siteId: string, refusedIds: ReadonlySet<string>): Promise<void> {
    const recordTimeMs = this.deps.clock.nowMs();
    const namespaces = {} as Record<string, string>;
    for (const entry of document['@context']) if (typeof entry === 'object') Object.assign(namespaces, entry);
    const records = document.epcisBody.eventList
      .filter((event) => !refusedIds.has(event.eventID))
      .map((event) =>
        eventRecord(event, namespaces, recordTimeMs, `mqtt:${siteId}/${document['stockwire:gateway'] ?? ''}`),
      );
    await this.storeCoalesced(records);
  }

  /**
   * The consumer's group commit settles a whole batch of documents in one turn of the event loop;
   * their events go into the repository together, in one store transaction, instead of one durable
   * write per MQTT message (which capped the cloud path at the disk's fsync rate).
   */
  private storeCoalesced(records: readonly StoredEventInput[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pendingRecords.length === 0) queueMicrotask(() => void this.flushPending());
      this.pendingRecords.push({ records, resolve, reject });
    });
  }

  private async flushPending(): Promise<void> {
    const pending = this.pendingRecords.splice(0);
    try {
      const all = pending.flatMap((entry) => entry.records);
      for (let start = 0; start < all.length; start += COALESCED_RECORDS_MAX)
        await this.store(all.slice(start, start + COALESCED_RECORDS_MAX));
      for (const entry of pending) entry.resolve();
    } catch (error) {
      for (const entry of pending) entry.reject(error);
    }
  }

  private async processSafely(
    events: readonly (CapturedEvent | { error: string; index: number })[],
    namespaces: NamespaceMap,
    behaviour: CaptureBehaviour,
    source: string,
  ): Promise<JobError[]> {
    try {
      return await this.process(events, namespaces, behaviour, source);
    } catch (error) {
      // Only the stores failing gets here; the job reports it and the client may capture again (ids dedupe).
      this.deps.logger.error({ err: errorMessage(error), source }, 'capture job failed');
      return [
        {
          type: 'epcisException:ImplementationException',
          status: 500,
          title: 'store unavailable',
          detail: errorMessage(error),
        },
      ];
    }
  }

  private async process(
    events: readonly (CapturedEvent | { error: string; index: number })[],
    namespaces: NamespaceMap,
    behaviour: CaptureBehaviour,
    source: string,
  ): Promise<JobError[]> {
    const recordTimeMs = this.deps.clock.nowMs();
    const errors: JobError[] = events.flatMap((entry) =>
      'error' in entry ? [validationError(`event ${entry.index}: ${entry.error}`)] : [],
    );
    const valid = events.filter((entry): entry is CapturedEvent => !('error' in entry));
    const records = valid.map((event) => eventRecord(event, namespaces, recordTimeMs, source));
    const outcomes = await this.deps.repository.checkEvents(records);
    outcomes.forEach((outcome, index) => {
      if (outcome === 'conflict') errors.push(conflictError(records[index]!.eventId));
    });
    const mapped = mapCapturedEvents(valid, this.deps.catalog, errors);
    if (behaviour === 'rollback' && errors.length > 0) return errors;
    const badIds = new Set(errors.map((error) => error.eventID).filter((id) => id !== undefined));
    const refused = await this.applyToLedger(
      mapped.filter((transaction) => !badIds.has(transaction.id ?? '')),
      errors,
    );
    const keep = records.filter(
      (record, index) => outcomes[index] === 'inserted' && !badIds.has(record.eventId) && !refused.has(record.eventId),
    );
    await this.store(keep);
    return errors;
  }

  /** Applies in one store transaction; returns the ids the ledger refused (each also reported as an error). */
  private async applyToLedger(transactions: readonly Transaction[], errors: JobError[]): Promise<Set<string>> {
    const refused = new Set<string>();
    if (transactions.length === 0) return refused;
    const results = await this.deps.ledger.applyBatch(transactions);
    for (const result of results) {
      if (!SKIPPED_AS_ERROR.has(result.status)) continue;
      refused.add(result.id);
      const error = makeError(EpcisErrors.EVENT_REJECTED, {
        eventId: result.id,
        reason: result.reason ?? result.status,
      });
      errors.push({
        eventID: result.id,
        type: 'epcisException:ValidationException',
        title: error.code,
        status: 400,
        detail: error.message,
      });
    }
    announcePositionsChanged(this.deps.cloudEvents, results);
    return refused;
  }

  private async store(records: readonly StoredEventInput[]): Promise<void> {
    if (records.length === 0) return;
    const outcomes = await this.deps.repository.insertEvents(records, { forward: this.deps.forward });
    const inserted = records.filter((_record, index) => outcomes[index] === 'inserted');
    if (inserted.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(inserted);
      } catch (error) {
        this.deps.logger.error({ err: errorMessage(error) }, 'EPCIS event listener threw');
      }
    }
  }
}
