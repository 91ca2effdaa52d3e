import { deriveSeed, mulberry32, type Random } from '../prng.js';
import type { SimulatedTag } from './engine.js';
import type { Scenario } from './schema.js';

/**
 * The physical events readers do not witness directly, drawn at the scenario's
 * `rates` (docs/simulators.md gives each rate's source): tags that never answer,
 * cases an ASN lists but the supplier did not ship, shelf takes that are thefts or
 * end up on another shelf, and the till payment after an honest take. Each kind
 * has its own PRNG stream, drawn only when its rate is above 0, so scenarios without
 * `rates` generate exactly the reads they always did.
 */

export interface PhysicalEvent {
  atMs: number;
  event: 'steal' | 'misplace' | 'short-ship' | 'pay';
  /** EPC hex. */
  epc: string;
  /** The shelf a misplaced item now sits on. */
  shelfId?: string;
}

/** Seconds from a shopper putting an item down elsewhere to it lying on the other shelf. */
export const MISPLACE_DELAY_MS = 30_000;

export class PhysicalWorld {
  readonly events: PhysicalEvent[] = [];
  private readonly shortShipped = new Set<string>();
  private readonly unreadable = new Set<string>();
  private readonly fateRandom: Random;
  private readonly shortRandom: Random;

  constructor(
    private readonly scenario: Scenario,
    private readonly seed: number,
    private readonly loopIndex: number,
  ) {
    this.fateRandom = mulberry32(deriveSeed(seed, loopIndex, 'take-fate'));
    this.shortRandom = mulberry32(deriveSeed(seed, loopIndex, 'short-ship'));
  }

  /** Cases of an inbound pallet that are really on it; the rest are recorded as short-shipped. */
  arriving(members: readonly SimulatedTag[], atMs: number): SimulatedTag[] {
    const probability = this.scenario.rates.shortShipCaseProbability;
    return members.filter((tag) => {
      if (this.shortShipped.has(tag.epc)) return false;
      if (probability <= 0 || !this.shortRandom.chance(probability)) return true;
      this.shortShipped.add(tag.epc);
      this.events.push({ atMs, event: 'short-ship', epc: tag.epc });
      return false;
    });
  }

  /** Things physically present (a short-shipped case never appears anywhere later either). */
  present(members: readonly SimulatedTag[]): SimulatedTag[] {
    return members.filter((tag) => !this.shortShipped.has(tag.epc));
  }

  /** What became of an item a shopper took off `shelfId`: the shelf it was misplaced onto, if any. */
  takeFate(tag: SimulatedTag, takeMs: number, shelfId: string): { shelfId: string; atMs: number } | null {
    const { theftShareOfTakes, misplaceShareOfTakes, checkoutSeconds } = this.scenario.rates;
    const others = this.scenario.shelves.filter((shelf) => shelf.id !== shelfId);
    const draw = theftShareOfTakes + misplaceShareOfTakes > 0 ? this.fateRandom.next() : 1;
    if (draw < theftShareOfTakes) {
      this.events.push({ atMs: takeMs, event: 'steal', epc: tag.epc });
      return null;
    }
    if (draw < theftShareOfTakes + misplaceShareOfTakes && others.length > 0) {
      const target = others[this.fateRandom.int(0, others.length - 1)];
      if (target) {
        const atMs = takeMs + MISPLACE_DELAY_MS;
        this.events.push({ atMs, event: 'misplace', epc: tag.epc, shelfId: target.id });
        return { shelfId: target.id, atMs };
      }
    }
    if (checkoutSeconds > 0)
      this.events.push({ atMs: takeMs + Math.round(checkoutSeconds * 1000), event: 'pay', epc: tag.epc });
    return null;
  }

  /** Whether a tag never answers any reader (detuned on liquid or metal, damaged inlay). */
  isUnreadable(tag: SimulatedTag): boolean {
    const probability = this.scenario.rates.tagUnreadableProbability;
    if (probability <= 0 || tag.role === 'pallet') return false;
    if (this.unreadable.has(tag.epc)) return true;
    // Per tag, not per draw order: the same tag is unreadable in every pass of the run.
    const dead = mulberry32(deriveSeed(this.seed, this.loopIndex, 'unreadable', tag.epc)).chance(probability);
    if (dead) this.unreadable.add(tag.epc);
    return dead;
  }
}
