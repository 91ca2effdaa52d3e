/**
 * Per-gateway order of application across several consumers (MQTT 5 shared subscriptions). Pure.
 *
 * A shared subscription deals a gateway's documents round-robin to the consumers of a group, so
 * document 11–20 can reach consumer B while 1–10 is still being applied by consumer A. The gate
 * lets a document through when it is contiguous with what this consumer already passed on, or
 * with the gateway's committed watermark (this consumer's own, or one another consumer
 * published and we read back); otherwise it holds the document until the watermark catches up,
 * for `holdMs` at most. Then it lets it through anyway: the earlier document may be lost
 * upstream (the gateway resends it from the watermark) or merely slow, and applying out of order
 * is still safe because every event is idempotent by its eventID (a late earlier document
 * becomes duplicates or applies after, never twice). Holding is bounded by `heldMax` too: past
 * it, documents go straight through.
 */
export interface GateEntry<T> {
  readonly gatewayKey: string;
  readonly firstSequence: number;
  readonly count: number;
  readonly heldSinceMs: number;
  readonly item: T;
}

export interface GateStats {
  /** Documents held past a gap, ever. */
  held: number;
  /** Of those, released because they waited `holdMs` (not because the gap closed). */
  expired: number;
  /** Held now. */
  holding: number;
}

export class SequenceGate<T> {
  /** Per gateway: the highest sequence known contiguous (passed on here, or committed by any consumer). */
  private readonly through = new Map<string, number>();
  private readonly held = new Map<string, GateEntry<T>[]>();
  private heldCount = 0;
  private heldTotal = 0;
  private expiredTotal = 0;

  constructor(
    private readonly holdMs: number,
    private readonly heldMax: number,
    private readonly gatewaysMax: number,
  ) {}

  /**
   * A document arrives. `base` is what the gateway last heard was committed (its
   * `stockwire:confirmedThrough`), the starting point for a gateway we know nothing of.
   * Returns true when the caller may apply it now; false when the gate holds it.
   */
  offer(gatewayKey: string, firstSequence: number, count: number, base: number | undefined, item: T, nowMs: number) {
    const through = this.through.get(gatewayKey) ?? base ?? firstSequence - 1;
    if (firstSequence <= through + 1 || this.heldCount >= this.heldMax) {
      this.pass(gatewayKey, firstSequence + count - 1);
      return true;
    }
    const queue = this.held.get(gatewayKey) ?? [];
    queue.push({ gatewayKey, firstSequence, count, heldSinceMs: nowMs, item });
    queue.sort((left, right) => left.firstSequence - right.firstSequence);
    this.held.set(gatewayKey, queue);
    this.heldCount++;
    this.heldTotal++;
    return false;
  }

  /** The gateway's committed watermark moved (ours or read back from another consumer): returns what it frees, in order. */
  advance(gatewayKey: string, committedThrough: number): GateEntry<T>[] {
    this.pass(gatewayKey, committedThrough);
    return this.releaseContiguous(gatewayKey);
  }

  /** Documents held `holdMs` or longer, released in sequence order per gateway (with what they make contiguous). */
  expire(nowMs: number): GateEntry<T>[] {
    const released: GateEntry<T>[] = [];
    for (const [gatewayKey, queue] of [...this.held]) {
      const first = queue[0];
      if (!first || !queue.some((entry) => nowMs - entry.heldSinceMs >= this.holdMs)) continue;
      // The oldest overdue document goes, and everything before it in sequence order with it.
      const overdue = queue.findLastIndex((entry) => nowMs - entry.heldSinceMs >= this.holdMs);
      const freed = queue.splice(0, overdue + 1);
      this.heldCount -= freed.length;
      this.expiredTotal += freed.length;
      for (const entry of freed) this.pass(gatewayKey, entry.firstSequence + entry.count - 1);
      if (queue.length === 0) this.held.delete(gatewayKey);
      released.push(...freed, ...this.releaseContiguous(gatewayKey));
    }
    return released;
  }

  heldDocuments(): number {
    return this.heldCount;
  }

  stats(): GateStats {
    return { held: this.heldTotal, expired: this.expiredTotal, holding: this.heldCount };
  }

  /** Every held document, for a stop: applying them is safe (idempotent), dropping them only delays. */
  drain(): GateEntry<T>[] {
    const all = [...this.held.values()].flat();
    this.held.clear();
    this.heldCount = 0;
    return all;
  }

  private releaseContiguous(gatewayKey: string): GateEntry<T>[] {
    const queue = this.held.get(gatewayKey);
    const released: GateEntry<T>[] = [];
    while (queue && queue[0] && queue[0].firstSequence <= (this.through.get(gatewayKey) ?? 0) + 1) {
      const entry = queue.shift() as GateEntry<T>;
      this.heldCount--;
      this.pass(gatewayKey, entry.firstSequence + entry.count - 1);
      released.push(entry);
    }
    if (queue && queue.length === 0) this.held.delete(gatewayKey);
    return released;
  }

  private pass(gatewayKey: string, sequence: number): void {
    const known = this.through.get(gatewayKey);
    if (known !== undefined && known >= sequence) return;
    if (known === undefined && this.through.size >= this.gatewaysMax && !this.held.has(gatewayKey)) {
      // Forgetting is safe: the next document restarts from what its gateway declares.
      const oldest = [...this.through.keys()].find((key) => !this.held.has(key));
      if (oldest !== undefined) this.through.delete(oldest);
    }
    this.through.set(gatewayKey, sequence);
  }
}
