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
  /**
   * The highest watermark read back from the broker per gateway (several consumers: the retained value
   * the broker is known to have held). Publishing at or below it could only step the retained value back.
   */
  private readonly seen = new Map<string, number>();
  /** The last value read back per gateway (live or retained): what the broker carries now, as far as we know. */
  private readonly latest = new Map<string, number>();

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

  /**
   * A watermark read back from the broker (`retained`: a stored value delivered at subscribe, not a live
   * publication). Adopts it, and returns what to publish, if anything:
   * - the new watermark when ranges settled ahead joined it (an advance of ours);
   * - the highest value known when the broker evidently holds less: a retained value older than ours
   *   (a broker that lost its latest), or a live value below one it already carried (two consumers'
   *   publications crossed on the way: the older one landed last).
   * A live value below what we know but not below what the broker carried is an older publication
   * still on its way, or ours not yet echoed: answering it would race the newer one (the old design
   * did, and the retained value stepped back and forth).
   * The rule needs read-backs in the broker's order and without a backlog in front of them (a clean
   * session of their own, watermark-readback.ts): an old value read late is not the broker stepping back.
   */
  readBack(gatewayKey: string, committedThrough: number, retained: boolean): number | undefined {
    const seenBefore = this.seen.get(gatewayKey);
    if (seenBefore === undefined || committedThrough > seenBefore) this.seen.set(gatewayKey, committedThrough);
    this.latest.set(gatewayKey, committedThrough);
    const moved = this.adopt(gatewayKey, committedThrough);
    if (moved !== undefined && moved > committedThrough) return moved;
    const highest = Math.max(this.committedThrough.get(gatewayKey) ?? 0, seenBefore ?? 0);
    if (committedThrough >= highest) return undefined;
    return retained || (seenBefore !== undefined && committedThrough < seenBefore) ? highest : undefined;
  }

  /** Whether publishing `committedThrough` can move the broker's value forward (false: it already carried as much). */
  advancesBroker(gatewayKey: string, committedThrough: number): boolean {
    const seen = this.seen.get(gatewayKey);
    return seen === undefined || committedThrough > seen;
  }

  /**
   * Checked again just before publishing (read-backs that came in meanwhile count): an advance still moves
   * the broker's value forward; an answer (`readBack`'s value) is still needed, i.e. the broker's value
   * is still below it — another consumer may have answered first.
   */
  stillWorthPublishing(gatewayKey: string, committedThrough: number, answer: boolean): boolean {
    if (!answer) return this.advancesBroker(gatewayKey, committedThrough);
    const latest = this.latest.get(gatewayKey);
    return latest === undefined || latest < committedThrough;
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
        this.seen.delete(oldest);
        this.latest.delete(oldest);
      }
    }
    this.committedThrough.set(gatewayKey, value);
  }
}
