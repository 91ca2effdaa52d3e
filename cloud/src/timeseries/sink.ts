import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import type { GatewayStatus } from '../../../shared/src/contracts/status.js';
import type { CloudEvents, DeadLetterNotice, PositionChange } from '../events.js';
import { PointBuffer, retryDelayMs } from './buffer.js';
import type { TimeseriesConfig } from './config.js';
import { TimeseriesErrors } from './errors.js';
import { pointFromDeadLetter, pointsFromGatewayStatus, pointsFromPositions, type TimeseriesPoint } from './points.js';
import type { PointWriter } from './writer.js';

export interface TimeseriesStats {
  target: string;
  bufferedPoints: number;
  writtenPoints: number;
  /** Points lost for good: buffer overflow, retries exhausted, or left at shutdown. */
  droppedPoints: number;
  failedWrites: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastWriteMs: number | null;
}

/** Dropped-point warnings are aggregated so a long outage logs once per window, not per point. */
const lossReportIntervalMs = 10_000;

/**
 * Imperative shell around a PointWriter: converts cloud events to points, buffers them
 * (bounded), writes in batches of `batchLinesMax`, retries a failed batch with backoff,
 * and counts whatever is lost. It never throws into the event emitter, so the ledger side
 * keeps working whatever state InfluxDB is in.
 */
export class TimeseriesSink {
  private readonly buffer: PointBuffer;
  private timer: TimerHandle | null = null;
  private inFlight: Promise<void> | null = null;
  private nextAttemptMs = 0;
  private batchAttempts = 0;
  private writtenPoints = 0;
  private failedWrites = 0;
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private lastWriteMs: number | null = null;
  private droppedReported = 0;
  private lastLossReportMs = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly config: TimeseriesConfig,
    private readonly writer: PointWriter,
    private readonly deps: { clock: Clock; logger: Logger },
  ) {
    this.buffer = new PointBuffer(config.bufferPointsMax);
  }

  /** Prepares the target (best effort) and starts the flush timer. */
  async start(): Promise<void> {
    try {
      await this.writer.prepare();
    } catch (error) {
      const coded = makeError(
        TimeseriesErrors.DATABASE_SETUP_FAILED,
        { database: this.config.database, url: this.writer.target, reason: errorMessage(error) },
        error,
      );
      this.deps.logger.warn({ code: coded.code }, coded.message);
    }
    this.timer = this.deps.clock.setInterval(() => this.tick(), this.config.flushIntervalMs);
  }

  /** Subscribes to the cloud's events; returns the unsubscribe function. */
  attach(events: CloudEvents): () => void {
    const onPositions = (changes: PositionChange[]): void =>
      this.enqueue(pointsFromPositions(changes, this.deps.clock.nowMs()));
    const onStatus = (status: GatewayStatus): void =>
      this.enqueue(pointsFromGatewayStatus(status, this.deps.clock.nowMs()));
    const onDeadLetter = (notice: DeadLetterNotice): void =>
      this.enqueue([pointFromDeadLetter(notice, this.deps.clock.nowMs())]);
    events.on('positionsChanged', onPositions);
    events.on('gatewayStatus', onStatus);
    events.on('deadLetter', onDeadLetter);
    return () => {
      events.off('positionsChanged', onPositions);
      events.off('gatewayStatus', onStatus);
      events.off('deadLetter', onDeadLetter);
    };
  }

  enqueue(points: readonly TimeseriesPoint[]): void {
    if (this.closed) {
      this.buffer.countLost(points.length);
      return;
    }
    this.buffer.push(points);
    this.reportLoss();
    // a full batch goes out now rather than waiting for the timer
    if (this.buffer.size >= this.config.batchLinesMax) this.tick();
  }

  stats(): TimeseriesStats {
    return {
      target: this.writer.target,
      bufferedPoints: this.buffer.size,
      writtenPoints: this.writtenPoints,
      droppedPoints: this.buffer.dropped,
      failedWrites: this.failedWrites,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      lastWriteMs: this.lastWriteMs,
    };
  }

  /** Resolves when the write in flight (if any) has settled. */
  async idle(): Promise<void> {
    if (this.inFlight) await this.inFlight;
  }

  /** Writes until the buffer is empty or a write fails; resolves when done (for tests and shutdown). */
  async flush(): Promise<void> {
    for (let rounds = 0; rounds < this.config.bufferPointsMax / this.config.batchLinesMax + 2; rounds += 1) {
      if (this.inFlight) await this.inFlight;
      if (this.buffer.size === 0) return;
      const failuresBefore = this.failedWrites;
      this.nextAttemptMs = 0;
      this.writeBatch();
      if (this.inFlight) await this.inFlight;
      if (this.failedWrites > failuresBefore) return;
    }
  }

  /** Flushes for at most `closeTimeoutMs`, then counts what is left as lost. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.timer?.cancel();
    this.timer = null;
    let deadline: TimerHandle | null = null;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => (deadline = this.deps.clock.setTimeout(resolve, this.config.closeTimeoutMs))),
    ]);
    (deadline as TimerHandle | null)?.cancel();
    this.closed = true;
    this.buffer.countLost(this.buffer.clear());
    this.reportLoss(true);
    await this.writer.close();
  }

  private tick(): void {
    if (this.inFlight || this.buffer.size === 0) return;
    if (this.deps.clock.nowMs() < this.nextAttemptMs) return;
    this.writeBatch();
  }

  private writeBatch(): void {
    const batch = this.buffer.take(this.config.batchLinesMax);
    if (batch.length === 0) return;
    this.inFlight = this.writer
      .write(batch)
      .then(
        () => this.onWritten(batch),
        (error: unknown) => this.onFailed(batch, error),
      )
      .finally(() => {
        this.inFlight = null;
      });
  }

  private onWritten(batch: readonly TimeseriesPoint[]): void {
    if (this.consecutiveFailures > 0)
      this.deps.logger.info(
        { target: this.writer.target, failures: this.consecutiveFailures },
        'InfluxDB writes recovered',
      );
    this.writtenPoints += batch.length;
    this.consecutiveFailures = 0;
    this.batchAttempts = 0;
    this.nextAttemptMs = 0;
    this.lastWriteMs = this.deps.clock.nowMs();
    // keep draining a backlog without waiting a whole interval per batch
    if (this.buffer.size >= this.config.batchLinesMax && !this.closed) queueMicrotask(() => this.tick());
  }

  private onFailed(batch: readonly TimeseriesPoint[], error: unknown): void {
    this.failedWrites += 1;
    this.consecutiveFailures += 1;
    this.batchAttempts += 1;
    this.lastError = errorMessage(error);
    const delayMs = retryDelayMs(this.consecutiveFailures, this.config.retryDelayMinMs, this.config.retryDelayMaxMs);
    this.nextAttemptMs = this.deps.clock.nowMs() + delayMs;
    if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
      const coded = makeError(
        TimeseriesErrors.WRITE_FAILED,
        { lines: batch.length, url: this.writer.target, reason: this.lastError },
        error,
      );
      this.deps.logger.warn(
        { code: coded.code, retryInMs: delayMs, buffered: this.buffer.size + batch.length },
        coded.message,
      );
    }
    if (this.closed) {
      // close() gave up waiting for this write: nothing will retry it
      this.buffer.countLost(batch.length);
    } else if (this.batchAttempts >= this.config.retryAttemptsMax) {
      // a batch the server keeps refusing (e.g. a field type conflict) must not block the rest forever
      this.buffer.countLost(batch.length);
      this.batchAttempts = 0;
    } else {
      this.buffer.unshift(batch);
    }
    this.reportLoss();
  }

  private reportLoss(force = false): void {
    const dropped = this.buffer.dropped;
    if (dropped === this.droppedReported) return;
    const nowMs = this.deps.clock.nowMs();
    if (!force && nowMs - this.lastLossReportMs < lossReportIntervalMs) return;
    const coded = makeError(TimeseriesErrors.POINTS_DROPPED, {
      count: dropped - this.droppedReported,
      reason: this.closed ? 'shutdown, buffer overflow or retries exhausted' : 'buffer full or retries exhausted',
    });
    this.deps.logger.error({ code: coded.code, droppedTotal: dropped }, coded.message);
    this.droppedReported = dropped;
    this.lastLossReportMs = nowMs;
  }
}
