import { describe, expect, it } from 'vitest';
import { SequenceGate } from '../../src/ingest/sequence-gate.js';

const gate = () => new SequenceGate<string>(2_000, 100, 100);
const names = (entries: { item: string }[]) => entries.map((entry) => entry.item);

describe('sequence gate (documents of one gateway dealt to several consumers)', () => {
  it.each([
    ['the first document of an unknown gateway passes', [[1, 10, undefined]], [true]],
    [
      'contiguous documents pass without waiting for a commit',
      [
        [1, 10, 0],
        [11, 10, 0],
        [21, 5, 0],
      ],
      [true, true, true],
    ],
    [
      'a document past a gap is held',
      [
        [1, 10, 0],
        [21, 10, 0],
      ],
      [true, false],
    ],
    ['the declared base starts the chain', [[11, 10, 10]], [true]],
    [
      'a duplicate of an earlier document passes',
      [
        [1, 10, 0],
        [11, 10, 0],
        [1, 10, 0],
      ],
      [true, true, true],
    ],
  ] as const)('%s', (_name, offers, expected) => {
    const subject = gate();
    expect(
      offers.map(([first, count, base], index) => subject.offer('s/g', first, count, base, `d${index}`, 0)),
    ).toEqual(expected);
  });

  it('releases held documents in order when another consumer publishes the watermark', () => {
    const subject = gate();
    expect(subject.offer('s/g', 21, 10, 0, 'third', 0)).toBe(false);
    expect(subject.offer('s/g', 11, 10, 0, 'second', 0)).toBe(false);
    expect(names(subject.advance('s/g', 5))).toEqual([]);
    expect(names(subject.advance('s/g', 10))).toEqual(['second', 'third']);
    expect(subject.heldDocuments()).toBe(0);
    expect(subject.offer('s/g', 31, 1, 0, 'fourth', 0)).toBe(true);
  });

  it('lets a held document through after holdMs, then what it makes contiguous', () => {
    const subject = gate();
    subject.offer('s/g', 1, 10, 0, 'first', 0);
    expect(subject.offer('s/g', 21, 10, 0, 'after-gap', 100)).toBe(false);
    expect(subject.offer('s/g', 31, 10, 0, 'next', 1_500)).toBe(false);
    expect(names(subject.expire(2_099))).toEqual([]);
    expect(names(subject.expire(2_100))).toEqual(['after-gap', 'next']);
  });

  it('never holds more than heldMax documents', () => {
    const subject = new SequenceGate<string>(2_000, 1, 100);
    expect(subject.offer('s/a', 5, 1, 0, 'held', 0)).toBe(false);
    expect(subject.offer('s/b', 5, 1, 0, 'through', 0)).toBe(true);
    expect(names(subject.drain())).toEqual(['held']);
  });

  it('counts documents held, and those released by the time bound rather than the watermark', () => {
    const subject = gate();
    subject.offer('s/g', 11, 10, 0, 'waits-for-watermark', 0);
    subject.offer('s/h', 11, 10, 0, 'waits-out-the-bound', 0);
    expect(subject.stats()).toEqual({ held: 2, expired: 0, holding: 2 });
    subject.advance('s/g', 10);
    subject.expire(2_000);
    expect(subject.stats()).toEqual({ held: 2, expired: 1, holding: 0 });
  });
});
