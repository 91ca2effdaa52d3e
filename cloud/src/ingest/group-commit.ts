import type { Transaction } from '../ledger/transactions.js';
import type { ApplyResult } from '../ledger/state.js';

/**
 * Group commit: many MQTT messages, one store transaction.
 *
 * mqtt.js hands a connection's incoming packets to `handleMessage` one at a time and sends the
 * PUBACK when its callback runs, so acking after commit used to mean one store transaction per
 * message. The consumer now queues each message here and lets mqtt.js move on at once; this
 * committer drains the queue (a turn of the event loop later, see nextTurn) in batches (one `applyBatch` per batch) and acknowledges every
 * message of a batch only after that batch committed, in arrival order. A crash before the
 * commit acks nothing: the broker redelivers and idempotency by eventID absorbs the repeats.
 *
 * Pure scheduling: it knows nothing of MQTT; the consumer passes callbacks.
 */
export interface CommitJob {
  /**
   * Transactions this message maps to (may be empty: a dead-lettered or status message still acks in order).
   * `prepareBatch` may replace them before the batch commits.
   */
  transactions: readonly Transaction[];
  /**
   * After the batch holding this job committed: `results` are this job's own, in order; `poisoned`
   * are its transactions that failed deterministically on their own (the consumer dead-letters them).
   */
  committed(results: ApplyResult[], poisoned: readonly PoisonedTransaction[]): void;
}

export interface PoisonedTransaction {
  transaction: Transaction;
  error: unknown;
}

export interface GroupCommitOptions {
  /** Store transactions per batch at most (the store's own batch limit is higher). */
  batchTransactionsMax: number;
  /** Messages per batch at most. */
  batchMessagesMax: number;
  /** Messages queued at most; past it `submit` waits (back-pressure on the broker connection). */
  queueMessagesMax: number;
}

export interface GroupCommitDeps {
  applyBatch(transactions: readonly Transaction[]): Promise<ApplyResult[]>;
  /** True when an error means the store is unavailable (retry the same batch), false for poison. */
  isRetryable(error: unknown): boolean;
  /** Waits before retrying an unavailable store; resolves false when stopping (the batch is then left un-acked). */
  backoff(attempt: number): Promise<boolean>;
  /**
   * Optional work on the whole batch before its store transaction (receiving matches its dock receipts in one
   * step instead of one per message); it may replace jobs' transactions. Resolves false to leave the batch
   * un-acked (stopping while a side store is down): the broker redelivers it.
   */
  prepareBatch?(batch: readonly CommitJob[]): Promise<boolean>;
}

/**
 * One turn of the event loop. The broker connection hands us packets one at a time, each queued within
 * microtasks; draining at once would commit every message alone. Waiting a turn first (and between
 * batches) lets the connection read and queue everything that arrived meanwhile, so it shares the
 * next store transaction: the batch grows with the load, and an idle cloud still commits at once.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The store stayed unavailable until we stopped: nothing in the batch is acked, the broker redelivers. */
class CommitAbandoned extends Error {}

export interface GroupCommitStats {
  batches: number;
  messages: number;
  transactions: number;
  isolations: number;
}

export class GroupCommitter {
  private readonly queue: CommitJob[] = [];
  private draining: Promise<void> | null = null;
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly counters: GroupCommitStats = { batches: 0, messages: 0, transactions: 0, isolations: 0 };

  constructor(
    private readonly options: GroupCommitOptions,
    private readonly deps: GroupCommitDeps,
  ) {}

  /** Queues a job; resolves once there is room for the next one (the caller then takes the next packet). */
  async submit(job: CommitJob): Promise<void> {
    this.queue.push(job);
    this.kick();
    while (this.queue.length >= this.options.queueMessagesMax) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
  }

  /** Resolves when everything queued so far is committed (or failed). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = nextTurn()
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
        if (this.queue.length > 0) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      this.releaseSpace();
      if (this.deps.prepareBatch && !(await this.deps.prepareBatch(batch))) continue;
      await this.commit(batch);
      if (this.queue.length < this.options.batchMessagesMax) await nextTurn();
    }
  }

  private takeBatch(): CommitJob[] {
    const batch: CommitJob[] = [];
    let transactionCount = 0;
    while (this.queue.length > 0 && batch.length < this.options.batchMessagesMax) {
      const next = this.queue[0] as CommitJob;
      const fits = transactionCount + next.transactions.length <= this.options.batchTransactionsMax;
      if (batch.length > 0 && !fits) break;
      batch.push(next);
      this.queue.shift();
      transactionCount += next.transactions.length;
    }
    return batch;
  }

  private releaseSpace(): void {
    while (this.spaceWaiters.length > 0 && this.queue.length < this.options.queueMessagesMax) {
      this.spaceWaiters.shift()?.();
    }
  }

  /** One store transaction for the batch; a poison job makes us isolate it by committing job by job. */
  private async commit(batch: readonly CommitJob[]): Promise<void> {
    const transactions = batch.flatMap((job) => job.transactions);
    let results: ApplyResult[];
    try {
      results = transactions.length === 0 ? [] : await this.applyWithRetry(transactions);
    } catch (error) {
      if (error instanceof CommitAbandoned) return;
      this.counters.isolations++;
      // Narrow down: job by job, then transaction by transaction within the failing job.
      if (batch.length === 1) return this.commitOneByOne(batch[0] as CommitJob);
      for (const job of batch) await this.commit([job]);
      return;
    }
    this.counters.batches++;
    this.counters.messages += batch.length;
    this.counters.transactions += transactions.length;
    let offset = 0;
    for (const job of batch) {
      job.committed(results.slice(offset, offset + job.transactions.length), []);
      offset += job.transactions.length;
    }
  }

  /** Commits a job's transactions one at a time, so only the poisoned ones are set aside. */
  private async commitOneByOne(job: CommitJob): Promise<void> {
    const results: ApplyResult[] = [];
    const poisoned: PoisonedTransaction[] = [];
    for (const transaction of job.transactions) {
      try {
        results.push(...(await this.applyWithRetry([transaction])));
      } catch (error) {
        // Left un-acked: what committed before comes back as duplicates on redelivery.
        if (error instanceof CommitAbandoned) return;
        poisoned.push({ transaction, error });
      }
    }
    job.committed(results, poisoned);
  }

  private async applyWithRetry(transactions: readonly Transaction[]): Promise<ApplyResult[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.applyBatch(transactions);
      } catch (error) {
        if (!this.deps.isRetryable(error)) throw error;
        if (!(await this.deps.backoff(attempt))) throw new CommitAbandoned('stopping');
      }
    }
  }
}
