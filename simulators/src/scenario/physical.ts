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
  event: 'steal' | 'misplace' | 'short-ship' | 'pay' | 'damage' | 'return' | 'unpack';
  /** EPC hex. */
  epc: string;
  /** The shelf a misplaced item now sits on. */
  shelfId?: string;
  /** The zone of the site the thing is in after the event (a returned item: the backroom). */
  zone?: string;
  /** An unpacked item: the EPC hex of the case it came out of. */
  parentEpc?: string;
}

/** Where an item taken off a shelf ends up on a shelf again: misplaced elsewhere, or restocked after a return. */
export interface ShelfPlacement {
  shelfId: string;
  atMs: number;
}

/** Seconds from a shopper putting an item down elsewhere to it lying on the other shelf. */
export const MISPLACE_DELAY_MS = 30_000;
/** Zone a returned item waits in (the returns tote in the backroom) until a clerk puts it back on its shelf. */
export const RETURN_ZONE = 'backroom';
/** Zone where cases are opened. */
export const UNPACK_ZONE = 'backroom';

export class PhysicalWorld {
  readonly events: PhysicalEvent[] = [];
  private readonly shortShipped = new Set<string>();
  private readonly unreadable = new Set<string>();
  private readonly fateRandom: Random;
  private readonly shortRandom: Random;
  private readonly returnRandom: Random;
  private readonly runMs: number;

  constructor(
    private readonly scenario: Scenario,
    private readonly seed: number,
    private readonly loopIndex: number,
  ) {
    this.fateRandom = mulberry32(deriveSeed(seed, loopIndex, 'take-fate'));
    this.shortRandom = mulberry32(deriveSeed(seed, loopIndex, 'short-ship'));
    this.returnRandom = mulberry32(deriveSeed(seed, loopIndex, 'return'));
    this.runMs = Math.round(scenario.durationSeconds * 1000) * scenario.days;
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

  /**
   * What became of an item taken off `shelfId`: stolen, damaged (an associate pulls it and writes it off),
   * put down on another shelf, or paid for (and perhaps returned later and put back on its shelf).
   * Returns the shelves the item lies on again afterwards, in time order.
   */
  takeFate(tag: SimulatedTag, takeMs: number, shelfId: string): ShelfPlacement[] {
    const { theftShareOfTakes, misplaceShareOfTakes, damageShareOfTakes, checkoutSeconds } = this.scenario.rates;
    const others = this.scenario.shelves.filter((shelf) => shelf.id !== shelfId);
    // One draw partitions the fates; damage last, so a scenario without it draws exactly as before.
    const draw = theftShareOfTakes + misplaceShareOfTakes + damageShareOfTakes > 0 ? this.fateRandom.next() : 1;
    if (draw < theftShareOfTakes) {
      this.events.push({ atMs: takeMs, event: 'steal', epc: tag.epc });
      return [];
    }
    if (draw < theftShareOfTakes + misplaceShareOfTakes && others.length > 0) {
      const target = others[this.fateRandom.int(0, others.length - 1)];
      if (target) {
        const atMs = takeMs + MISPLACE_DELAY_MS;
        this.events.push({ atMs, event: 'misplace', epc: tag.epc, shelfId: target.id });
        return [{ shelfId: target.id, atMs }];
      }
    }
    if (
      draw >= theftShareOfTakes + misplaceShareOfTakes &&
      draw < theftShareOfTakes + misplaceShareOfTakes + damageShareOfTakes
    ) {
      this.events.push({ atMs: takeMs, event: 'damage', epc: tag.epc });
      return [];
    }
    if (checkoutSeconds <= 0) return [];
    const payMs = takeMs + Math.round(checkoutSeconds * 1000);
    this.events.push({ atMs: payMs, event: 'pay', epc: tag.epc });
    return this.returnFate(tag, payMs, shelfId);
  }

  /** A paid item the customer brings back to the till: it waits in the backroom, then goes back on its shelf. */
  private returnFate(tag: SimulatedTag, payMs: number, shelfId: string): ShelfPlacement[] {
    const { returnShareOfPays, returnDelaySeconds, restockSeconds } = this.scenario.rates;
    if (returnShareOfPays <= 0 || !this.returnRandom.chance(returnShareOfPays)) return [];
    const returnMs = payMs + Math.round(returnDelaySeconds * 1000);
    const restockMs = returnMs + Math.round(restockSeconds * 1000);
    // Only returns the run sees through to the shelf: the measurement ends with the run.
    if (restockMs >= this.runMs) return [];
    this.events.push({ atMs: returnMs, event: 'return', epc: tag.epc, zone: RETURN_ZONE });
    return [{ shelfId, atMs: restockMs }];
  }

  /** A clerk opens a case in the backroom: its tag leaves stock with the carton, its items lie there. */
  unpack(caseTag: SimulatedTag, items: readonly SimulatedTag[], atMs: number): void {
    this.events.push({ atMs, event: 'unpack', epc: caseTag.epc });
    for (const item of items)
      this.events.push({ atMs, event: 'unpack', epc: item.epc, zone: UNPACK_ZONE, parentEpc: caseTag.epc });
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
