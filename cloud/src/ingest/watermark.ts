/**
 * Per-gateway committed-sequence watermarks (end-to-end confirmation). Pure.
 *
 * A gateway numbers its events 1, 2, 3… and keeps each in its outbox until the cloud says it
 * is committed. `committedThrough` only moves over a contiguous run: a document whose first
 * sequence lies past the watermark + 1 means something in between never arrived (a broker that
 * acked it died before delivering), so the watermark waits there and the gateway, seeing no
 * progress, sends again from the watermark. Redelivered events are duplicates to the ledger.
 */
export class WatermarkTracker {
  private readonly committedThrough = new Map<string, number>();

  constructor(private readonly gatewaysMax: number) {}

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
      return undefined;
    }
    const next = Math.max(current, firstSequence + count - 1);
    this.remember(gatewayKey, next);
    return next === known ? undefined : next;
  }

  /** A watermark we published before (read back from the broker's retained message). */
  adopt(gatewayKey: string, committedThrough: number): void {
    const known = this.committedThrough.get(gatewayKey);
    if (known === undefined || committedThrough > known) this.remember(gatewayKey, committedThrough);
  }

  get(gatewayKey: string): number | undefined {
    return this.committedThrough.get(gatewayKey);
  }

  private remember(gatewayKey: string, value: number): void {
    if (!this.committedThrough.has(gatewayKey) && this.committedThrough.size >= this.gatewaysMax) {
      // Forgetting is safe: the next document restarts the chain from what its gateway declares.
      const oldest = this.committedThrough.keys().next().value;
      if (oldest !== undefined) this.committedThrough.delete(oldest);
    }
    this.committedThrough.set(gatewayKey, value);
  }
}
