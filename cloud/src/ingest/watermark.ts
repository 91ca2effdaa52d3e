/**
 * Per-gateway committed-sequence watermarks (end-to-end confirmation). Pure.
 *
 * A gateway numbers its events 1, 2, 3… and keeps each in its outbox until the cloud says it
 * is committed. `committedThrough` only moves over a contiguous run: a document whose first
 * sequence lies past the watermark + 1 means something in between never arrived (a broker that
 * acked it died before delivering), so the watermark waits there and the gateway, seeing no
 * progress, sends again from the watermark. Redelivered events are duplicates to the ledger.
 */
/** Ranges settled past a gap remembered per gateway. */
export const AHEAD_RANGES_MAX = 256;

export class WatermarkTracker {
  private readonly committedThrough = new Map<string, number>();
  /**
   * Ranges settled past a gap, per gateway (several consumers share the stream: another one is
   * applying the gap). When the watermark reaches a range it jumps over it, so a consumer that
   * learns the gap is committed (its own settle, or another consumer's watermark read back) can
   * confirm what it applied early without waiting for the gateway to resend it.
   */
  private readonly ahead = new Map<string, Array<[number, number]>>();

  /** `aheadRanges`: remember ranges settled past a gap (several consumers share the stream); off for one consumer. */
  constructor(
    private readonly gatewaysMax: number,
    private readonly aheadRanges = false,
  ) {}

  /**
   * A document from `gatewayKey` with events `firstSequence…firstSequence+count-1` is settled
   * (committed or dead-lettered for good). `declaredBase` is what the gateway last heard from
   * us, the starting point when we know nothing of this gateway. Returns the new watermark
   * when it moved, else undefined.
   */
  settle(
    gatewayKey: string,
    firstSequence: number,
    count: number,
    declaredBase: number | undefined,
  ): number | undefined {
    const known = this.committedThrough.get(gatewayKey);
    const current = known ?? declaredBase ?? firstSequence - 1;
    if (firstSequence > current + 1) {
      if (known === undefined) this.remember(gatewayKey, current);
      if (this.aheadRanges) this.rememberAhead(gatewayKey, firstSequence, firstSequence + count - 1);
      return undefined;
    }
    const next = this.absorbAhead(gatewayKey, Math.max(current, firstSequence + count - 1));
    this.remember(gatewayKey, next);
    return next === known ? undefined : next;
  }

  /**
   * A watermark published before, by us or another consumer (read back from the broker). Returns
   * the new watermark when it moved (past `committedThrough` too when ranges settled ahead join it).
   */
  adopt(gatewayKey: string, committedThrough: number): number | undefined {
    const known = this.committedThrough.get(gatewayKey);
    if (known !== undefined && committedThrough <= known) return undefined;
    const next = this.absorbAhead(gatewayKey, committedThrough);
    this.remember(gatewayKey, next);
    return next;
  }

  private rememberAhead(gatewayKey: string, first: number, last: number): void {
    const ranges = this.ahead.get(gatewayKey) ?? [];
    ranges.push([first, last]);
    // Bounded: forgetting a range only means its events wait for the gateway's resend.
    if (ranges.length > AHEAD_RANGES_MAX) ranges.shift();
    this.ahead.set(gatewayKey, ranges);
  }

  /** Extends `through` over every range settled ahead that it now reaches. */
  private absorbAhead(gatewayKey: string, through: number): number {
    const ranges = this.ahead.get(gatewayKey);
    if (!ranges) return through;
    let next = through;
    ranges.sort((left, right) => left[0] - right[0]);
    const remaining = ranges.filter(([first, last]) => {
      if (first > next + 1) return last > next;
      next = Math.max(next, last);
      return false;
    });
    if (remaining.length === 0) this.ahead.delete(gatewayKey);
    else this.ahead.set(gatewayKey, remaining);
    return next;
  }

  get(gatewayKey: string): number | undefined {
    return this.committedThrough.get(gatewayKey);
  }

  private remember(gatewayKey: string, value: number): void {
    if (!this.committedThrough.has(gatewayKey) && this.committedThrough.size >= this.gatewaysMax) {
      // Forgetting is safe: the next document restarts the chain from what its gateway declares.
      const oldest = this.committedThrough.keys().next().value;
      if (oldest !== undefined) {
        this.committedThrough.delete(oldest);
        this.ahead.delete(oldest);
      }
    }
    this.committedThrough.set(gatewayKey, value);
  }
}
