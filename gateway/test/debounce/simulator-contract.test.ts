import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { generateScenarioReads } from '../../../simulators/src/reads-jsonl.js';
import { loadScenarioFile, resolveScenarioFile } from '../../../simulators/src/scenario/load.js';
import { DebounceConfigSchema } from '../../src/debounce/config.js';
import { createDebounceEngine } from '../../src/debounce/engine.js';
import { runReads } from '../../src/debounce/simulate.js';
import { T0 } from './builders.js';

/**
 * Contract with the simulators: the bundled store-day scenario states the
 * movements a correct gateway must derive from its reads (stray reads, 85 %
 * shelf read probability and an unplugged door reader included). The engine,
 * configured like that store, must derive exactly those.
 */
const config = DebounceConfigSchema.parse({
  portals: [
    {
      id: 'door-3',
      inboundLocation: 'urn:stockwire:loc:store-1:backroom',
      outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
      antennas: [
        { reader: 'door-3-reader', antenna: 1, side: 'outside' },
        { reader: 'door-3-reader', antenna: 2, side: 'inside' },
      ],
      neighbours: ['door-4'],
    },
    {
      id: 'door-4',
      inboundLocation: 'urn:stockwire:loc:store-1:backroom',
      outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
      antennas: [
        { reader: 'door-3-reader', antenna: 3, side: 'outside' },
        { reader: 'door-3-reader', antenna: 4, side: 'inside' },
      ],
    },
  ],
  shelves: [
    {
      id: 'shelf-b2',
      location: 'urn:stockwire:loc:store-1:shelf-b2',
      antennas: [
        { reader: 'shelf-b2-reader', antenna: 1 },
        { reader: 'shelf-b2-reader', antenna: 2 },
      ],
      countIntervalMs: 300_000,
    },
  ],
});

const epcsOf = (event: EpcisEvent) => (event.type === 'ObjectEvent' ? event.epcList : event.childEPCs);

describe('simulator contract: store-day', () => {
  const generated = generateScenarioReads(loadScenarioFile(resolveScenarioFile('store-day')), {
    startEpochMs: T0,
    loops: 1,
  });
  const events = runReads(
    createDebounceEngine(config, { siteId: 'store-1', gatewayId: 'gw-1' }),
    config,
    generated.reads,
  );

  it('derives each expected pallet movement at the right door, with its aggregation', () => {
    const portalMoves = generated.expected.flatMap((entry) =>
      entry.movement.kind === 'portal' ? [entry.movement] : [],
    );
    expect(portalMoves.length).toBeGreaterThan(0);
    for (const move of portalMoves) {
      const objectEvent = events.find(
        (event) =>
          event.type === 'ObjectEvent' && event.bizStep === move.bizStep && event['stockwire:portal'] === move.doorId,
      );
      expect(objectEvent && epcsOf(objectEvent)).toEqual(
        [...move.uris, ...(move.parentUri === null ? [] : [move.parentUri])].sort(),
      );
      if (move.parentUri !== null) {
        const aggregation = events.find((event) => event.type === 'AggregationEvent' && event.bizStep === move.bizStep);
        expect(aggregation?.type === 'AggregationEvent' && aggregation.parentID).toBe(move.parentUri);
        expect(aggregation && epcsOf(aggregation)).toEqual([...move.uris].sort());
      }
    }
    expect(events.filter((event) => event.bizStep === 'receiving' || event.bizStep === 'shipping')).toHaveLength(
      portalMoves.length * 2,
    );
  });

  it.each(['stocking', 'removing'] as const)(
    'derives the shelf %s movements, each within the hysteresis delay',
    (bizStep) => {
      const expected = generated.expected.filter(
        (entry) => entry.movement.kind === 'shelf' && entry.movement.bizStep === bizStep,
      );
      const emitted = events.filter((event) => event.bizStep === bizStep);
      expect(emitted.flatMap(epcsOf).sort()).toEqual(expected.flatMap((entry) => entry.movement.uris).sort());
      const shelf = config.shelves[0] as (typeof config.shelves)[number];
      const delayMaxMs = (bizStep === 'removing' ? shelf.goneRounds + 1 : shelf.windowRounds + 1) * shelf.roundMs;
      for (const entry of expected) {
        for (const uri of entry.movement.uris) {
          const event = emitted.find((candidate) => epcsOf(candidate).includes(uri));
          const eventMs = Date.parse(event?.eventTime ?? '');
          expect(eventMs - entry.timeMs).toBeGreaterThanOrEqual(0);
          expect(eventMs - entry.timeMs).toBeLessThanOrEqual(delayMaxMs);
        }
      }
    },
  );

  it('counts the shelf as the scenario leaves it', () => {
    const counts = events.filter((event) => event.bizStep === 'cycle_counting').map((event) => epcsOf(event).length);
    expect(counts).toEqual([24, 19]);
  });
});
