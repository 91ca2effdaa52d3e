import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { sortEvents } from '../../src/debounce/events.js';
import { SHELF_LOCATION, T0, dockConfig, run, sgtin, shelfReads } from './builders.js';

const [A, B, C] = [sgtin(1, '012345'), sgtin(2, '012345'), sgtin(3, '012345')] as [string, string, string];
const URN = (serial: number) => `urn:epc:id:sgtin:0614141.012345.${serial}`;
const at = (seconds: number) => new Date(T0 + seconds * 1_000).toISOString();

function moves(events: readonly EpcisEvent[]) {
  return events.map((event) => [event.bizStep, event.eventTime, event.type === 'ObjectEvent' ? event.epcList : []]);
}

describe('smart shelf scenarios', () => {
  it('an item flickering at the edge of the field produces no movement; removed → one removing; put back → one stocking', () => {
    // 60 one-second rounds. A is steady; B flickers (every other round) from round 10 to 30;
    // C is taken away for rounds 20-39 and put back from round 40.
    const reads = shelfReads([A, B, C], 60, (tag, round) => {
      if (tag === 1) return round < 10 || round > 30 || round % 2 === 0;
      if (tag === 2) return round < 20 || round >= 40;
      return true;
    });
    const { events, engine } = run(dockConfig(), reads);
    expect(moves(events)).toEqual([
      // present after 2 of 3 rounds: rounds 0 and 1 → decided when round 1 closes
      ['stocking', at(2), [URN(1), URN(2), URN(3)]],
      // gone after 6 missed rounds in a row: rounds 20-25
      ['removing', at(26), [URN(3)]],
      // back: seen in rounds 40 and 41
      ['stocking', at(42), [URN(3)]],
      // the count at the minute (warm-up of 3 + 6 rounds passed): the full set
      ['cycle_counting', at(60), [URN(1), URN(2), URN(3)]],
    ]);
    for (const event of events) {
      expect(event.bizLocation.id).toBe(SHELF_LOCATION);
      expect(event['stockwire:shelf']).toBe('shelf-a1');
    }
    const removing = events[1];
    expect(removing?.['stockwire:tagEvidence']).toEqual([
      {
        epc: URN(3),
        firstSeen: new Date(T0 + 102).toISOString(),
        lastSeen: new Date(T0 + 19_102).toISOString(),
        readCount: 20,
        peakRssi: -50,
        roundsSeen: 0,
        missedRounds: 6,
      },
    ]);
    expect(engine.stats().shelfTagsPresent).toBe(3);
  });

  it('a tag seen in a single round never becomes present', () => {
    const reads = [...shelfReads([A], 10, () => true), ...shelfReads([B], 1, () => true, T0 + 5_000)];
    const { events } = run(
      dockConfig(),
      reads.sort((a, b) => a.time - b.time),
    );
    expect(moves(events)).toEqual([['stocking', at(2), [URN(1)]]]);
  });

  it('a reader that pauses (no read at all) does not empty the shelf', () => {
    // Rounds 10-19 silent: fewer than silentRoundsMax (30), so presence is held.
    const { events, engine } = run(
      dockConfig(),
      shelfReads([A, B], 40, (_tag, round) => round < 10 || round >= 20),
    );
    expect(moves(events)).toEqual([['stocking', at(2), [URN(1), URN(2)]]]);
    expect(engine.stats().shelfRoundsHeldSilent).toBe(10);
  });

  it('weak reads from the next shelf are ignored', () => {
    const reads = shelfReads([A], 10, () => true).map((read) => ({ ...read, rssi: -80 }));
    const { events, engine } = run(dockConfig(), reads);
    expect(events).toEqual([]);
    expect(engine.stats()).toMatchObject({ readsIgnoredWeak: 10, liveTags: 0 });
  });

  it('goneMs removes a tag before goneRounds when configured', () => {
    const base = dockConfig();
    const config = { ...base, shelves: base.shelves.map((shelf) => ({ ...shelf, goneMs: 3_000 })) };
    const { events } = run(
      config,
      shelfReads([A, B], 20, (tag, round) => tag === 0 || round < 5),
    );
    expect(moves(events)).toEqual([
      ['stocking', at(2), [URN(1), URN(2)]],
      ['removing', at(8), [URN(2)]],
    ]);
  });
  it('a removal decided at the instant of a count goes before that count (the ledger moves the item, not books it missing)', () => {
    // C is last read in round 53: its sixth missed round closes at the minute, with the count.
    const { events } = run(
      dockConfig(),
      shelfReads([A, B, C], 60, (tag, round) => tag !== 2 || round < 54),
    );
    expect(moves(events)).toEqual([
      ['stocking', at(2), [URN(1), URN(2), URN(3)]],
      ['removing', at(60), [URN(3)]],
      ['cycle_counting', at(60), [URN(1), URN(2)]],
    ]);
    // Whatever the event ids: at one instant a count sorts after every movement.
    const [, removal, count] = events as [EpcisEvent, EpcisEvent, EpcisEvent];
    const sorted = sortEvents([
      { ...count, eventID: 'ni:///sha-256;0000' },
      { ...removal, eventID: 'ni:///sha-256;ffff' },
    ]);
    expect(sorted.map((event) => event.bizStep)).toEqual(['removing', 'cycle_counting']);
  });
});
