import { describe, expect, it } from 'vitest';
import { announcePositionsChanged, CloudEvents, type PositionChange } from '../src/events.js';
import type { ApplyResult } from '../src/ledger/state.js';

const change = (transactionId: string): PositionChange => ({
  product: '10614141000019',
  location: 'store-1:backroom',
  qtyDelta: '1',
  valueDelta: '2.50',
  qtyAfter: '1',
  valueAfter: '2.50',
  kind: 'receipt',
  transactionId,
  time: '2026-12-04T10:00:00.000Z',
});
const result = (id: string, status: ApplyResult['status'], changes: PositionChange[]): ApplyResult => ({
  id,
  status,
  qtyDelta: '0',
  valueDelta: '0',
  changes,
});

describe('announcePositionsChanged (the one positionsChanged sender)', () => {
  it.each([
    { name: 'nothing applied', results: [result('a', 'duplicate', [])], announced: [] as string[] },
    {
      name: 'applied results only, in order',
      results: [
        result('a', 'applied', [change('a')]),
        result('b', 'rejected', [change('b')]),
        result('c', 'applied', [change('c')]),
      ],
      announced: ['a', 'c'],
    },
    { name: 'an applied result without changes', results: [result('a', 'applied', [])], announced: [] },
  ])('$name → one event with $announced', ({ results, announced }) => {
    const events = new CloudEvents();
    const heard: PositionChange[][] = [];
    events.on('positionsChanged', (changes) => heard.push(changes));
    const returned = announcePositionsChanged(events, results);
    expect(returned.map((item) => item.transactionId)).toEqual(announced);
    expect(heard).toEqual(announced.length > 0 ? [returned] : []);
  });

  it('works without listeners or an emitter', () => {
    expect(announcePositionsChanged(undefined, [result('a', 'applied', [change('a')])])).toHaveLength(1);
  });
});
