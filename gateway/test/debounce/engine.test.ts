import { describe, expect, it } from 'vitest';
import { StockwireError } from '../../../shared/src/errors.js';
import { DebounceConfigSchema } from '../../src/debounce/config.js';
import { createDebounceEngine } from '../../src/debounce/engine.js';
import { SITE, T0, dockConfig, passReads, run, sgtin, shelfReads } from './builders.js';

const identity = { siteId: SITE, gatewayId: 'gw-1' };

describe('debounce engine lifecycle', () => {
  it('ingest returns no events; tick decides a pass once it is quiet for stableSetMs', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    const reads = passReads({ epcs: [sgtin(1)], direction: 'inbound', startMs: T0 });
    for (const read of reads) expect(engine.ingest(read, read.time)).toEqual([]);
    expect(engine.stats()).toMatchObject({ liveTags: 1, passesOpen: 1, passTags: 1 });
    const lastMs = reads.at(-1)?.time ?? 0;
    expect(engine.tick(lastMs + 2_999)).toEqual([]);
    expect(engine.tick(lastMs + 3_000).map((event) => event.bizStep)).toEqual(['receiving']);
    expect(engine.stats()).toMatchObject({ liveTags: 0, passesOpen: 0, eventsEmitted: 1 });
  });

  it('flush decides every pass in progress, losing nothing', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    for (const read of passReads({ epcs: [sgtin(1), sgtin(2)], direction: 'outbound', startMs: T0 }))
      engine.ingest(read, read.time);
    const events = engine.flush(T0 + 4_100);
    expect(events.map((event) => (event.type === 'ObjectEvent' ? event.epcList.length : 0))).toEqual([2]);
    expect(engine.stats().passesOpen).toBe(0);
  });

  it('reconfigure keeps passes in flight and applies new parameters', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    const reads = passReads({ epcs: [sgtin(1)], direction: 'inbound', startMs: T0 });
    for (const read of reads) engine.ingest(read, read.time);
    const base = dockConfig();
    engine.reconfigure({ ...base, portals: base.portals.map((portal) => ({ ...portal, stableSetMs: 10_000 })) });
    const lastMs = reads.at(-1)?.time ?? 0;
    expect(engine.tick(lastMs + 3_000)).toEqual([]);
    expect(engine.stats().passesOpen).toBe(1);
    expect(engine.tick(lastMs + 10_000)).toHaveLength(1);
  });

  it('a portal removed by reconfigure hands its pass out on the next tick', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    for (const read of passReads({ epcs: [sgtin(1)], direction: 'inbound', startMs: T0 }))
      engine.ingest(read, read.time);
    const base = dockConfig();
    engine.reconfigure({
      ...base,
      portals: base.portals.filter((portal) => portal.id === 'door-2').map((portal) => ({ ...portal, neighbours: [] })),
    });
    expect(engine.tick(T0 + 4_100).map((event) => event['stockwire:portal'])).toEqual(['door-1']);
    expect(engine.stats().liveTags).toBe(0);
  });

  it('rejects an invalid configuration with a coded error and keeps running', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    const base = dockConfig();
    let thrown: unknown;
    try {
      engine.reconfigure({
        ...base,
        portals: [...base.portals, { ...(base.portals[0] as (typeof base.portals)[number]) }],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StockwireError);
    expect((thrown as StockwireError).code).toBe('SW_DEBOUNCE_CONFIG_INVALID');
    expect((thrown as StockwireError).message).toMatch(/portals\.2\.id: id "door-1" is used twice/);
  });

  it('bounds live tags: reads of further new tags are dropped and counted', () => {
    const engine = createDebounceEngine(dockConfig({ liveTagsMax: 2 }), identity);
    for (const serial of [1, 2, 3, 4])
      engine.ingest({ epc: sgtin(serial), antenna: 1, rssi: -50, time: T0, reader: 'dock' }, T0);
    expect(engine.stats()).toMatchObject({ liveTags: 2, readsDroppedCapacity: 2 });
    engine.reconfigure(dockConfig({ liveTagsMax: 10 }));
    for (const serial of [3, 4])
      engine.ingest({ epc: sgtin(serial), antenna: 1, rssi: -50, time: T0 + 1, reader: 'dock' }, T0 + 1);
    expect(engine.stats()).toMatchObject({ liveTags: 4, passTags: 4, readsDroppedCapacity: 2 });
  });

  it('treats lower-case hex as the same tag', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    engine.ingest({ epc: sgtin(1), antenna: 1, rssi: -50, time: T0, reader: 'dock' }, T0);
    engine.ingest({ epc: sgtin(1).toLowerCase(), antenna: 1, rssi: -50, time: T0 + 1, reader: 'dock' }, T0 + 1);
    expect(engine.stats()).toMatchObject({ liveTags: 1, passTags: 1 });
  });

  it('uses the configured time zone offset and readPoint', () => {
    const base = dockConfig();
    const config = DebounceConfigSchema.parse({
      ...base,
      timeZoneOffset: '+01:00',
      portals: base.portals.map((portal) => ({
        ...portal,
        readPoint: `urn:epc:id:sgln:0614141.00001.${portal.id === 'door-1' ? 1 : 2}`,
      })),
    });
    const engine = createDebounceEngine(config, identity);
    for (const read of passReads({ epcs: [sgtin(1)], direction: 'inbound', startMs: T0 }))
      engine.ingest(read, read.time);
    const [event] = engine.flush(T0 + 5_000);
    expect(event).toMatchObject({
      eventTimeZoneOffset: '+01:00',
      readPoint: { id: 'urn:epc:id:sgln:0614141.00001.1' },
      eventTime: '2026-11-25T10:00:04.000Z',
    });
  });

  it('a reader whose timestamps lag the gateway clock does not split a pass', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    const lagMs = 5_000;
    const events = [];
    let nextTickMs = T0 + lagMs;
    for (const read of passReads({ epcs: [sgtin(1), sgtin(2)], direction: 'inbound', startMs: T0 })) {
      const nowMs = read.time + lagMs;
      while (nextTickMs <= nowMs) events.push(...engine.tick((nextTickMs += 200) - 200));
      engine.ingest(read, nowMs);
    }
    events.push(...engine.tick(nextTickMs + 3_000));
    expect(events.map((event) => [event.bizStep, event.type === 'ObjectEvent' ? event.epcList.length : 0])).toEqual([
      ['receiving', 2],
    ]);
  });

  it('a shelf tick with no reads yet starts the round grid without events', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    expect(engine.tick(T0)).toEqual([]);
    for (const read of shelfReads([sgtin(1)], 3, () => true)) engine.ingest(read, read.time);
    expect(engine.tick(T0 + 2_000).map((event) => event.bizStep)).toEqual(['stocking']);
  });
});

describe('very large passes', () => {
  it('a pass of 120K tags is decided without overflowing, split into events the contract accepts', () => {
    const config = dockConfig();
    const engine = createDebounceEngine(config, identity);
    const epcs = Array.from({ length: 120_000 }, (_, serial) => sgtin(serial));
    for (const [offsetMs, antenna] of [
      [0, 1],
      [100, 1],
      [1_000, 2],
      [1_100, 2],
    ] as const) {
      for (const epc of epcs)
        engine.ingest({ epc, antenna, rssi: -50, time: T0 + offsetMs, reader: 'dock' }, T0 + offsetMs);
    }
    const events = engine.flush(T0 + 2_000);
    const parts = events.map((event) => [
      event.bizStep,
      event.type === 'ObjectEvent' ? event.epcList.length : 0,
      event['stockwire:part'],
    ]);
    expect(parts).toEqual(
      expect.arrayContaining([
        ['receiving', 100_000, '1/2'],
        ['receiving', 20_000, '2/2'],
      ]),
    );
    expect(events).toHaveLength(2);
    expect(events[0]?.['stockwire:tagEvidence']).toBeUndefined();
  });
});

describe('wild reader clocks', () => {
  it('a read stamped in the year 2000 neither hangs a replay nor stalls the shelf or the door', () => {
    const config = dockConfig();
    const wild = { epc: sgtin(9), antenna: 1, rssi: -50, time: Date.UTC(2000, 0, 1), reader: 'shelf' };
    const reads = [
      wild,
      ...shelfReads([sgtin(1, '012345')], 5, () => true),
      ...passReads({ epcs: [sgtin(2)], direction: 'inbound', startMs: T0 + 10_000 }),
    ];
    const started = Date.now();
    const { events } = run(config, reads);
    expect(Date.now() - started).toBeLessThan(5_000);
    // (Replay follows read times, so the shelf also counts once back in 2000: it did hear that read.)
    expect(events.filter((event) => event.bizStep !== 'cycle_counting').map((event) => event.bizStep)).toEqual([
      'stocking',
      'receiving',
    ]);
  });

  it('in the daemon (engine clock) a wild read time is just a late read', () => {
    const engine = createDebounceEngine(dockConfig(), identity);
    engine.ingest({ epc: sgtin(9), antenna: 1, rssi: -50, time: Date.UTC(2000, 0, 1), reader: 'shelf' }, T0);
    engine.ingest({ epc: sgtin(9), antenna: 1, rssi: -50, time: Date.UTC(2100, 0, 1), reader: 'dock' }, T0);
    for (const read of shelfReads([sgtin(1, '012345')], 3, () => true)) engine.ingest(read, read.time);
    expect(engine.tick(T0 + 3_000).map((event) => event.bizStep)).toEqual(['stocking']);
    // The door tag stamped 2100 goes quiet on the engine clock like any other.
    expect(engine.tick(T0 + 10_000)).toEqual([]);
    expect(engine.stats()).toMatchObject({
      passesOpen: 0,
      parkedTags: 0,
      tagsUnknownDirection: 0,
      tagsIgnoredStray: 1,
    });
  });
});
