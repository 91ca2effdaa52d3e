import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { createDebounceEngine } from '../../src/debounce/engine.js';
import { SITE, T0, dockConfig, sgtin, shelfReads } from '../debounce/builders.js';

/** The engine hook behind a cloud's full-count request: the shelf counts at its next round, not its schedule. */
describe('engine.requestCount', () => {
  const counts = (events: readonly EpcisEvent[]) => events.filter((event) => event.bizStep === 'cycle_counting');

  function drive(requestAtRound: number | undefined): { round: number; epcs: number }[] {
    const config = dockConfig();
    const engine = createDebounceEngine(config, { siteId: SITE, gatewayId: 'gw-1' });
    const reads = shelfReads([sgtin(1), sgtin(2), sgtin(3)], 100, () => true);
    const seen: { round: number; epcs: number }[] = [];
    let next = 0;
    for (let round = 0; round < 100; round++) {
      const endMs = T0 + (round + 1) * 1_000;
      for (; next < reads.length && (reads[next]?.time ?? Infinity) < endMs; next++)
        engine.ingest(reads[next] as (typeof reads)[number], reads[next]?.time ?? endMs);
      if (round === requestAtRound) expect(engine.requestCount('shelf-a1')).toBe(true);
      for (const event of counts(engine.tick(endMs + 1)))
        seen.push({ round, epcs: event.type === 'ObjectEvent' ? event.epcList.length : -1 });
    }
    return seen;
  }

  it('counts on the 60 s schedule without a request', () => {
    expect(drive(undefined).map((count) => count.round)).toEqual([59]);
  });

  it('counts at the next round close after a request, then resumes the schedule', () => {
    const rounds = drive(30).map((count) => count.round);
    expect(rounds).toEqual([30, 59]); // asked before round 30 closed: counted when it closes
  });

  it('refuses an unknown shelf', () => {
    const engine = createDebounceEngine(dockConfig(), { siteId: SITE, gatewayId: 'gw-1' });
    expect(engine.requestCount('no-such-shelf')).toBe(false);
  });
});
