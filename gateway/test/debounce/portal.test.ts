import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import { BACKROOM, IN_TRANSIT, T0, dockConfig, passReads, run, sgtin, sscc } from './builders.js';

/** The parts of an event a scenario pins down, sorted so the comparison is exact. */
function shape(event: EpcisEvent) {
  const common = {
    type: event.type,
    bizStep: event.bizStep,
    action: event.action,
    readPoint: event.readPoint.id,
    bizLocation: event.bizLocation.id,
    eventTime: event.eventTime,
    direction: event['stockwire:direction'],
  };
  return event.type === 'ObjectEvent'
    ? { ...common, epcs: event.epcList }
    : { ...common, parent: event.parentID, epcs: event.childEPCs };
}

const PALLET = sscc(7);
const CASES = [sgtin(101), sgtin(102), sgtin(103)];
const PALLET_URN = 'urn:epc:id:sscc:0614141.0000000007';
const CASE_URNS = [
  'urn:epc:id:sgtin:0614141.812345.101',
  'urn:epc:id:sgtin:0614141.812345.102',
  'urn:epc:id:sgtin:0614141.812345.103',
];
const DOOR_1 = 'urn:stockwire:loc:store-1:door-1';
const DOOR_2 = 'urn:stockwire:loc:store-1:door-2';
// passReads spreads the tags over the first few ms of each step: the last read of the pass.
const passEnd = (tags: number) => new Date(T0 + 4_000 + ((tags - 1) % 7)).toISOString();
const PASS_END = passEnd(4);

describe('dock-door portal scenarios', () => {
  it.each([
    {
      name: 'pallet inbound → receiving into the backroom',
      direction: 'inbound' as const,
      bizStep: 'receiving',
      location: BACKROOM,
    },
    {
      name: 'pallet outbound → shipping to in-transit',
      direction: 'outbound' as const,
      bizStep: 'shipping',
      location: IN_TRANSIT,
    },
  ])('$name', ({ direction, bizStep, location }) => {
    const { events, engine } = run(dockConfig(), passReads({ epcs: [PALLET, ...CASES], direction, startMs: T0 }));
    const common = {
      action: 'OBSERVE',
      bizStep,
      readPoint: DOOR_1,
      bizLocation: location,
      eventTime: PASS_END,
      direction,
    };
    expect(events.map(shape).sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'AggregationEvent', ...common, parent: PALLET_URN, epcs: CASE_URNS },
      { type: 'ObjectEvent', ...common, epcs: [...CASE_URNS, PALLET_URN] },
    ]);
    const objectEvent = events.find((event) => event.type === 'ObjectEvent');
    expect(objectEvent?.['stockwire:evidence']).toMatchObject({
      tags: 4,
      peakRssi: -45,
      strayTags: 0,
      crossReadTags: 0,
    });
    expect(objectEvent?.['stockwire:tagEvidence']).toHaveLength(4);
    expect(engine.stats()).toMatchObject({ liveTags: 0, passesOpen: 0, passesClosed: 1, eventsEmitted: 2 });
  });

  it('a forklift that enters and backs out moves nothing (direction unknown, diagnosed)', () => {
    const { events, engine } = run(
      dockConfig(),
      passReads({ epcs: [PALLET, ...CASES], direction: 'in-and-back', startMs: T0 }),
    );
    expect(events).toEqual([]);
    const diagnostics = engine.drainDiagnostics();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      kind: 'direction_unknown',
      portal: 'door-1',
      tags: 4,
      detail: 'returned=4',
    });
    expect(engine.stats().tagsUnknownDirection).toBe(4);
  });

  it('a tag read once at −80 dBm is a stray read and ignored', () => {
    const reads: RawRead[] = [{ epc: sgtin(1), antenna: 1, rssi: -80, time: T0, reader: 'dock' }];
    const { events, engine } = run(dockConfig(), reads);
    expect(events).toEqual([]);
    expect(engine.stats()).toMatchObject({ tagsIgnoredStray: 1, readsIgnoredStray: 1, liveTags: 0 });
  });

  it('strays beside a real pass are left out of its event and counted in its evidence', () => {
    const reads = [
      ...passReads({ epcs: CASES, direction: 'inbound', startMs: T0 }),
      { epc: sgtin(999), antenna: 2, rssi: -82, time: T0 + 1_000, reader: 'dock' },
      { epc: sgtin(998), antenna: 2, rssi: -50, time: T0 + 1_500, reader: 'dock' },
    ];
    const { events } = run(
      dockConfig(),
      reads.sort((a, b) => a.time - b.time),
    );
    expect(events.map(shape)).toEqual([
      {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'receiving',
        readPoint: DOOR_1,
        bizLocation: BACKROOM,
        eventTime: passEnd(3),
        direction: 'inbound',
        epcs: CASE_URNS,
      },
    ]);
    expect(events[0]?.['stockwire:evidence']).toMatchObject({ strayTags: 2 });
  });

  it.each([
    { strong: 'door-2' as const, weak: 'door-1' as const, readPoint: DOOR_2 },
    { strong: 'door-1' as const, weak: 'door-2' as const, readPoint: DOOR_1 },
  ])(
    'the same pallet seen by two neighbouring doors is reported once, at the stronger one ($strong)',
    ({ strong, weak, readPoint }) => {
      const reads = [
        ...passReads({ epcs: [PALLET, ...CASES], door: strong, direction: 'inbound', startMs: T0 }),
        ...passReads({
          epcs: [PALLET, ...CASES],
          door: weak,
          direction: 'inbound',
          startMs: T0 + 200,
          durationMs: 3_000,
          stepMs: 400,
          rssiOffsetDb: -12,
        }),
      ].sort((a, b) => a.time - b.time);
      const { events, engine } = run(dockConfig(), reads);
      expect(events.map((event) => [event.type, event.readPoint.id])).toEqual(
        expect.arrayContaining([
          ['ObjectEvent', readPoint],
          ['AggregationEvent', readPoint],
        ]),
      );
      expect(events).toHaveLength(2);
      expect(engine.stats().tagsIgnoredCrossRead).toBe(4);
    },
  );

  it('many weak reads through the wall lose to fewer strong ones at the real door', () => {
    const reads = [
      ...passReads({ epcs: CASES, door: 'door-1', direction: 'inbound', startMs: T0, stepMs: 400 }),
      ...passReads({ epcs: CASES, door: 'door-2', direction: 'inbound', startMs: T0, stepMs: 50, rssiOffsetDb: -30 }),
    ].sort((a, b) => a.time - b.time);
    const { events, engine } = run(dockConfig(), reads);
    expect(events.map((event) => [event.readPoint.id, event.bizStep])).toEqual([[DOOR_1, 'receiving']]);
    expect(engine.stats()).toMatchObject({ tagsIgnoredCrossRead: 3, tagsIgnoredStray: 0 });
  });

  it('two loads separated by more than the stable-set interval are two passes', () => {
    const reads = [
      ...passReads({ epcs: [CASES[0] as string], direction: 'inbound', startMs: T0 }),
      ...passReads({ epcs: [CASES[1] as string], direction: 'outbound', startMs: T0 + 10_000 }),
    ];
    const { events } = run(dockConfig(), reads);
    expect(events.map((event) => [event.bizStep, event.type === 'ObjectEvent' ? event.epcList : []])).toEqual([
      ['receiving', [CASE_URNS[0]]],
      ['shipping', [CASE_URNS[1]]],
    ]);
  });

  it('a tag parked in the field is reported once, not every interval', () => {
    // A case enters and then sits by the inside antenna for three minutes.
    const epc = CASES[0] as string;
    const reads = passReads({ epcs: [epc], direction: 'inbound', startMs: T0 });
    for (let time = T0 + 4_100; time < T0 + 180_000; time += 250)
      reads.push({ epc, antenna: 2, rssi: -48, time, reader: 'dock' });
    const { events, engine } = run(dockConfig(), reads);
    expect(events.map((event) => [event.bizStep, event.eventTime])).toEqual([
      ['receiving', new Date(T0 + 59_850).toISOString()],
    ]);
    expect(engine.stats()).toMatchObject({ passesDwellClosed: 1, parkedTags: 0, liveTags: 0 });
  });

  it('a tag seen by one side only is not guessed', () => {
    const reads: RawRead[] = [];
    for (let time = T0; time < T0 + 2_000; time += 100)
      reads.push({ epc: sgtin(5), antenna: 1, rssi: -50, time, reader: 'dock' });
    const { events, engine } = run(dockConfig(), reads);
    expect(events).toEqual([]);
    expect(engine.drainDiagnostics()[0]).toMatchObject({ kind: 'direction_unknown', detail: 'one_side=1' });
  });

  it('ignores reads from antennas no portal or shelf is bound to', () => {
    const { events, engine } = run(dockConfig(), [
      { epc: sgtin(1), antenna: 9, rssi: -40, time: T0, reader: 'dock' },
      { epc: sgtin(1), antenna: 1, rssi: -40, time: T0, reader: 'other' },
    ]);
    expect(events).toEqual([]);
    expect(engine.stats()).toMatchObject({ readsUnrouted: 2, liveTags: 0 });
  });
});
