import { deriveSeed, mulberry32, type Random } from '../prng.js';
import type { SimulatedTag } from './engine.js';
import type { Scenario } from './schema.js';

/**
 * Re-tagging at receiving: an item whose tag never answers cannot be read by the dock door, so its ASN
 * line stays unread and lands on receiving's exception list (`inferred` under trustAsn, `short` under
 * countReads). The associate working that list while breaking the pallet down finds a share of those
 * items (`rates.retagAtReceivingShare`) and puts a new label on them, encoded with the same EPC (a
 * store's label printer encodes the ASN's serial). From then on the item answers every reader. A
 * short-shipped case is not on the pallet, so it is never found. Only with ASNs: without the ASN's case
 * list nobody knows an item went unread. Own PRNG stream, drawn only when the share is above 0, so a
 * scenario without it generates the same reads as before.
 */

/** From the pallet passing the door to the new label: the associate works the exception list at breakdown. */
export const RETAG_DELAY_MS = 30 * 60_000;

export class Retagging {
  private readonly answersFromMs = new Map<string, number>();
  private readonly random: Random;

  constructor(
    private readonly scenario: Scenario,
    seed: number,
    loopIndex: number,
  ) {
    this.random = mulberry32(deriveSeed(seed, loopIndex, 'retag-at-receiving'));
  }

  /** An inbound pallet's cases physically through the door at passEndMs; `isDead` says whose tag never answers. */
  atReceiving(arrived: readonly SimulatedTag[], passEndMs: number, isDead: (tag: SimulatedTag) => boolean): void {
    const share = this.scenario.rates.retagAtReceivingShare;
    if (share <= 0 || !this.scenario.operations.asns) return;
    for (const tag of arrived) {
      if (!isDead(tag) || this.answersFromMs.has(tag.epc) || !this.random.chance(share)) continue;
      this.answersFromMs.set(tag.epc, passEndMs + RETAG_DELAY_MS);
    }
  }

  /**
   * A case opened in the backroom at offsetMs with the case-opening scan on: the clerk's handheld lists
   * fewer items than the case holds (catalog `contains`), so the clerk looks for the silent one and
   * re-labels it there and then (the same share), before the scan is saved.
   */
  atUnpacking(items: readonly SimulatedTag[], atMs: number, isDead: (tag: SimulatedTag) => boolean): void {
    const share = this.scenario.rates.retagAtReceivingShare;
    if (share <= 0 || !this.scenario.operations.unpackScans) return;
    for (const tag of items) {
      if (!isDead(tag) || this.answersFromMs.has(tag.epc) || !this.random.chance(share)) continue;
      this.answersFromMs.set(tag.epc, atMs);
    }
  }

  /** Whether a dead tag has been replaced by offsetMs (ms since the loop start). */
  answersAt(tag: SimulatedTag, offsetMs: number): boolean {
    const fromMs = this.answersFromMs.get(tag.epc);
    return fromMs !== undefined && offsetMs >= fromMs;
  }

  /** The re-tagged items (EPC hex) and the offset from which they answer, in re-tagging order. */
  retagged(): Array<{ epc: string; atMs: number }> {
    return [...this.answersFromMs].map(([epc, atMs]) => ({ epc, atMs }));
  }
}
