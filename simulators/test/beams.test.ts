import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/src/clock.js';
import { BeamPlayer } from '../src/readers/beam-source.js';
import { beamBrokenSpan, generateBeamTimeline } from '../src/scenario/beams.js';
import { parseScenario } from '../src/scenario/load.js';

/** The beam timeline every reader simulator plays: a load breaks the beam on its own side first. */
function scenarioWith(direction: 'inbound' | 'outbound') {
  return parseScenario({
    name: 'beams',
    durationSeconds: 10,
    readers: [{ id: 'dock' }],
    doors: [
      { id: 'door-1', reader: 'dock', antennas: { outside: [1], inside: [2] }, beams: { outside: 3, inside: 4 } },
    ],
    populations: [{ id: 'items', kind: 'items', items: [{ gtin: '10614141000019', count: 1 }] }],
    timeline: [{ kind: 'pallet-pass', atSeconds: 1, door: 'door-1', population: 'items', direction, passSeconds: 4 }],
  });
}

describe('scenario beams', () => {
  it.each([
    [
      'inbound',
      [
        [3, true],
        [4, true],
        [3, false],
        [4, false],
      ],
    ],
    [
      'outbound',
      [
        [4, true],
        [3, true],
        [4, false],
        [3, false],
      ],
    ],
  ] as const)('%s: both beams broken in order, overlapping, then cleared in order', (direction, expected) => {
    const changes = generateBeamTimeline(scenarioWith(direction));
    expect(changes.map((change) => [change.port, change.state])).toEqual(expected);
    expect(changes.every((change) => change.readerId === 'dock')).toBe(true);
    // 1 s + 4 s × span: inbound outside beam broken from 21.7 % to 61.7 % of the pass.
    const outside = beamBrokenSpan(-0.5, 'inbound');
    expect(outside.from).toBeCloseTo(1.3 / 6, 6);
    expect(outside.to - outside.from).toBeCloseTo(0.4, 6);
    expect(changes[0]?.offsetMs).toBe(1_000 + Math.round(outside.from * 4_000));
  });

  it('BeamPlayer hands out the changes as the clock passes them, and loops', () => {
    const clock = new ManualClock(0);
    const player = new BeamPlayer(scenarioWith('inbound'), 'dock', clock, { loop: true });
    expect(player.take()).toEqual([]);
    clock.advanceBy(2_000);
    expect(player.take()).toEqual([{ port: 3, state: true }]);
    clock.advanceBy(8_000); // end of loop 0: the rest of the pass
    expect(player.take()).toHaveLength(3);
    clock.advanceBy(2_000); // loop 1, 2 s in
    expect(player.take()).toEqual([{ port: 3, state: true }]);
    expect(new BeamPlayer(scenarioWith('inbound'), 'other-reader', clock).take()).toEqual([]);
  });
});
