import { zoneLocation, type TruthRecord } from '../../../shared/src/contracts/truth.js';
import type { ScenarioRun, SimulatedTag } from './engine.js';
import type { Scenario } from './schema.js';

/**
 * The physical truth of one generated loop: where every serialised case and item is
 * after each physical event of the timeline, whatever the readers managed to see.
 * The engine's expected movements list every member of a population, read or not,
 * so they are the physical movements; this turns them into truth records with the
 * ledger location ids of the catalogue convention (`urn:stockwire:loc:<site>:<zone>`):
 * a received pallet's cases are in the site's backroom, a stocked item is on its
 * shelf, a taken item on the sales floor (in a shopper's hands), a shipped case has
 * left the stock (location null).
 * The engine's physical events (scenario `rates`) add what no reader witnesses:
 * thefts, damage write-offs, misplacements onto another shelf, short-shipped cases, till payments and
 * returns (the returned item waits in the backroom until its shelf's reader sees it restocked).
 */

/** Site of a door or shelf without one: the scenario's first site, else the demo's store-1. */
export const SITE_DEFAULT = 'store-1';

function siteOf(scenario: Scenario, explicit: string | undefined): string {
  return explicit ?? scenario.sites[0]?.id ?? SITE_DEFAULT;
}

export function runToTruth(scenario: Scenario, run: ScenarioRun, loopStartEpochMs: number): TruthRecord[] {
  const tagsByEpc = new Map<string, SimulatedTag>(run.tags.map((tag) => [tag.epc, tag]));
  const records: TruthRecord[] = [];
  const push = (timeMs: number, event: TruthRecord['event'], epcHex: string, location: string | null): void => {
    const tag = tagsByEpc.get(epcHex);
    if (!tag) return;
    records.push({
      time: new Date(loopStartEpochMs + timeMs).toISOString(),
      event,
      epc: tag.uri,
      product: tag.gtin,
      location,
    });
  };
  for (const movement of run.expected) {
    if (movement.kind === 'portal') {
      const door = scenario.doors.find((candidate) => candidate.id === movement.doorId);
      const backroom = zoneLocation(siteOf(scenario, door?.site), 'backroom');
      const inbound = movement.direction === 'inbound';
      // The pallet is through the door when the pass ends.
      for (const epc of movement.epcs)
        push(movement.endMs, inbound ? 'arrive' : 'ship', epc, inbound ? backroom : null);
    } else {
      const shelf = scenario.shelves.find((candidate) => candidate.id === movement.shelfId);
      const shelfLocation = zoneLocation(siteOf(scenario, shelf?.site), movement.shelfId);
      const stocking = movement.bizStep === 'stocking';
      // A taken item is in a shopper's hands on the sales floor until it is paid (or stolen).
      const salesFloor = zoneLocation(siteOf(scenario, shelf?.site), 'sales-floor');
      for (const epc of movement.epcs)
        push(movement.atMs, stocking ? 'shelve' : 'take', epc, stocking ? shelfLocation : salesFloor);
    }
  }
  // After the movements: at the same instant, a theft or misplacement is what the take turned into.
  for (const physical of run.physical) {
    const shelf = scenario.shelves.find((candidate) => candidate.id === physical.shelfId);
    const zone = physical.shelfId ?? physical.zone;
    const location = zone === undefined ? null : zoneLocation(siteOf(scenario, shelf?.site), zone);
    push(physical.atMs, physical.event, physical.epc, location);
  }
  // Stable by time: events at the same instant keep timeline order.
  return records
    .map((record, order) => ({ record, order }))
    .sort((a, b) => Date.parse(a.record.time) - Date.parse(b.record.time) || a.order - b.order)
    .map(({ record }) => record);
}
