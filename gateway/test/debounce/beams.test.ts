import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import type { RawRead } from '../../../shared/src/contracts/raw-read.js';
import type { DebounceConfig } from '../../src/debounce/config.js';
import { createDebounceEngine, type BeamInput } from '../../src/debounce/engine.js';
import { BACKROOM, IN_TRANSIT, SITE, T0, dockConfig, passReads, sgtin } from './builders.js';

/**
 * Photo-eye beams at door-1 (dock reader GPI 1 outside, GPI 2 inside): table-driven
 * over what the beams and the reads each say. Beams decide when both broke during the
 * pass; reads only confirm; a stuck beam is a fault and the portal falls back to reads.
 */
const OUTSIDE = 1;
const INSIDE = 2;

function beamConfig(extra: Record<string, unknown> = {}): DebounceConfig {
  const base = dockConfig();
  return dockConfig({
    portals: base.portals.map((portal) =>
      portal.id === 'door-1'
        ? {
            ...portal,
            beams: { outside: { reader: 'dock', port: OUTSIDE }, inside: { reader: 'dock', port: INSIDE } },
            ...extra,
          }
        : portal,
    ),
  });
}

/** Break/clear pairs: [port, breakAtMs, clearAtMs | null (never clears)]. */
type BeamPlan = Array<[number, number, number | null]>;

function beamInputs(plan: BeamPlan): BeamInput[] {
  return plan.flatMap(([port, breakMs, clearMs]) => [
    { reader: 'dock', port, state: true, time: breakMs },
    ...(clearMs === null ? [] : [{ reader: 'dock', port, state: false, time: clearMs }]),
  ]);
}

/** Runs reads and beam changes in time order on a 200 ms tick grid, then ticks 10 s past the end. */
function runWithBeams(config: DebounceConfig, reads: readonly RawRead[], beams: readonly BeamInput[]) {
  const engine = createDebounceEngine(config, { siteId: SITE, gatewayId: 'gw-1' });
  const inputs = [
    ...reads.map((read) => ({ time: read.time, apply: () => engine.ingest(read, read.time) })),
    ...beams.map((beam) => ({ time: beam.time, apply: () => engine.ingestBeam(beam, beam.time) })),
  ].sort((a, b) => a.time - b.time);
  const events: EpcisEvent[] = [];
  let nextTickMs = (inputs[0]?.time ?? T0) + 200;
  for (const input of inputs) {
    while (nextTickMs <= input.time) events.push(...engine.tick((nextTickMs += 200) - 200));
    input.apply();
  }
  const endMs = (inputs.at(-1)?.time ?? T0) + 10_000;
  while (nextTickMs <= endMs) events.push(...engine.tick((nextTickMs += 200) - 200));
  return { engine, events };
}

const EPCS = [sgtin(1), sgtin(2), sgtin(3)];
const inbound: BeamPlan = [
  [OUTSIDE, T0 + 800, T0 + 2_400],
  [INSIDE, T0 + 1_500, T0 + 3_100],
];
const outbound: BeamPlan = [
  [INSIDE, T0 + 800, T0 + 2_400],
  [OUTSIDE, T0 + 1_500, T0 + 3_100],
];

describe('portal beams', () => {
  it.each([
    ['beams and reads agree (inbound)', 'inbound', inbound, 'inbound', { order: 'outside,inside', readsConfirm: 3 }],
    ['beams decide against the reads', 'outbound', inbound, 'inbound', { order: 'outside,inside', readsContradict: 3 }],
    ['beams say outbound, reads agree', 'outbound', outbound, 'outbound', { order: 'inside,outside', readsConfirm: 3 }],
    [
      'only one beam fired: reads decide',
      'outbound',
      [[OUTSIDE, T0 + 800, T0 + 2_400]],
      'outbound',
      { order: 'none', fallback: 'incomplete' },
    ],
    [
      'beams outside the match window: reads decide',
      'inbound',
      [
        [INSIDE, T0 - 60_000, T0 - 59_000],
        [OUTSIDE, T0 - 58_000, T0 - 57_000],
      ],
      'inbound',
      { order: 'none', fallback: 'incomplete' },
    ],
  ] as const)('%s', (_name, readsDirection, plan, expected, evidence) => {
    const reads = passReads({ epcs: EPCS, direction: readsDirection, startMs: T0 });
    const { events, engine } = runWithBeams(beamConfig(), reads, beamInputs(plan as BeamPlan));
    const objectEvents = events.filter((event) => event.type === 'ObjectEvent');
    expect(objectEvents).toHaveLength(1);
    const event = objectEvents[0] as Record<string, unknown>;
    expect(event['stockwire:direction']).toBe(expected);
    expect(event['bizLocation']).toEqual({ id: expected === 'inbound' ? BACKROOM : IN_TRANSIT });
    expect(event['stockwire:beams']).toMatchObject(evidence);
    const tagReasons = (event['stockwire:tagEvidence'] as Array<{ directionReason: string }>).map(
      (tag) => tag.directionReason,
    );
    if (evidence.order !== 'none') expect(tagReasons).toEqual(['beams', 'beams', 'beams']);
    expect(engine.stats().passesDecidedByBeams).toBe(evidence.order === 'none' ? 0 : 1);
  });

  it('a beam that never clears is stuck: a fault, and the portal falls back to reads until it clears', () => {
    const config = beamConfig({ beamStuckMs: 30_000 });
    // Outside beam broken 40 s before the pass and never cleared; inside fires as if outbound.
    const plan: BeamPlan = [
      [OUTSIDE, T0 - 40_000, null],
      [INSIDE, T0 + 800, T0 + 2_400],
    ];
    const reads = passReads({ epcs: EPCS, direction: 'inbound', startMs: T0 });
    const { events, engine } = runWithBeams(config, reads, beamInputs(plan));
    const event = events.find((candidate) => candidate.type === 'ObjectEvent') as Record<string, unknown>;
    expect(event['stockwire:direction']).toBe('inbound');
    expect(event['stockwire:beams']).toEqual({ order: 'none', fallback: 'stuck' });
    expect(engine.beamFaults()).toEqual([
      { portal: 'door-1', reader: 'dock', port: OUTSIDE, side: 'outside', brokenSinceMs: T0 - 40_000 },
    ]);
    expect(engine.stats().beamsStuck).toBe(1);
    engine.ingestBeam({ reader: 'dock', port: OUTSIDE, state: false, time: T0 + 20_000 }, T0 + 20_000);
    expect(engine.beamFaults()).toEqual([]);
  });

  it('portals without beams carry no beam evidence; unbound GPI ports are counted and ignored', () => {
    const reads = passReads({ epcs: EPCS, direction: 'inbound', startMs: T0 });
    const { events, engine } = runWithBeams(dockConfig(), reads, beamInputs(inbound));
    const event = events.find((candidate) => candidate.type === 'ObjectEvent') as Record<string, unknown>;
    expect(event['stockwire:direction']).toBe('inbound');
    expect(event).not.toHaveProperty('stockwire:beams');
    expect(engine.stats()).toMatchObject({ beamChangesUnrouted: 4, beamChanges: 0 });
  });
});

describe('replay with beams', () => {
  it('capture lines {"beam": …} between the reads decide direction in replay as in the daemon', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { PassThrough } = await import('node:stream');
    const { runReplay } = await import('../../src/replay.js');
    const directory = mkdtempSync(join(tmpdir(), 'stockwire-replay-beams-'));
    const config = beamConfig();
    writeFileSync(
      join(directory, 'gateway.json'),
      JSON.stringify({ siteId: SITE, gatewayId: 'gw-1', debounce: config }),
    );
    // Reads alone would say outbound; the beams say inbound.
    const lines = [
      ...passReads({ epcs: EPCS, direction: 'outbound', startMs: T0 }).map((read) => ({ time: read.time, line: read })),
      ...beamInputs(inbound).map((beam) => ({ time: beam.time, line: { beam } })),
      { time: T0 + 1, line: { beam: { reader: 'dock', port: 1, state: 'on', time: T0 } } },
    ].sort((a, b) => a.time - b.time);
    writeFileSync(join(directory, 'reads.jsonl'), lines.map(({ line }) => JSON.stringify(line)).join('\n'));
    const output = new PassThrough();
    const errors = new PassThrough();
    expect(
      await runReplay(['--config', join(directory, 'gateway.json'), join(directory, 'reads.jsonl')], output, errors),
    ).toBe(0);
    const events = String(output.read() ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const objectEvent = events.find((event) => event['type'] === 'ObjectEvent');
    expect(objectEvent?.['stockwire:direction']).toBe('inbound');
    expect(objectEvent?.['stockwire:beams']).toMatchObject({ order: 'outside,inside', readsContradict: 3 });
    expect(String(errors.read() ?? '')).toContain('beam.state: Expected boolean');
    rmSync(directory, { recursive: true, force: true });
  });
});
