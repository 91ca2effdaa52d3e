import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { createOutbox } from '../../src/outbox/outbox.js';
import { createMemoryOutboxStore } from '../../src/outbox/memory-store.js';

function event(index: number): EpcisEvent {
  return {
    type: 'ObjectEvent',
    eventID: `urn:test:${index}`,
    eventTime: '2026-11-25T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE',
    bizStep: 'receiving',
    readPoint: { id: 'urn:epc:id:sgln:4012345.00001.1' },
    bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0' },
    epcList: [`urn:epc:id:sgtin:4012345.011111.${index}`],
  };
}

describe('outbox bound and overflow policy', () => {
  it.each([
    {
      name: 'block keeps everything past the bound and says it is full',
      policy: 'block' as const,
      appended: 12,
      depth: 12,
      dropped: 0,
      full: true,
    },
    {
      name: 'dropOldest keeps the newest eventsMax and counts drops',
      policy: 'dropOldest' as const,
      appended: 12,
      depth: 10,
      dropped: 2,
      full: true,
    },
    {
      name: 'below the warning ratio nothing is reported',
      policy: 'block' as const,
      appended: 7,
      depth: 7,
      dropped: 0,
      full: false,
    },
  ])('$name', ({ policy, appended, depth, dropped, full }) => {
    const outbox = createOutbox(createMemoryOutboxStore(), {
      eventsMax: 10,
      bytesMax: 1_000_000,
      overflowPolicy: policy,
      warnFillRatio: 0.8,
    });
    for (let index = 0; index < appended; index += 1) outbox.append([event(index)]);
    const fill = outbox.fill();
    expect(fill).toMatchObject({ depth, droppedTotal: dropped, full });
    expect(fill.nearlyFull).toBe(appended >= 8);
    if (policy === 'dropOldest') expect(outbox.readAfter(0, 1)[0]?.eventId).toBe('urn:test:2');
  });

  it('applies the byte bound too', () => {
    const outbox = createOutbox(createMemoryOutboxStore(), {
      eventsMax: 1_000,
      bytesMax: 1_000,
      overflowPolicy: 'dropOldest',
      warnFillRatio: 0.8,
    });
    for (let index = 0; index < 20; index += 1) outbox.append([event(index)]);
    expect(outbox.fill().bytes).toBeLessThanOrEqual(1_000);
    expect(outbox.fill().droppedTotal).toBeGreaterThan(0);
  });
});
