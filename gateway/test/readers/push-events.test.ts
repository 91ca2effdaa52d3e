import { describe, expect, it } from 'vitest';
import { parseImpinjMessage } from '../../src/readers/impinj-iot.js';
import { parseZebraMessage } from '../../src/readers/zebra-iot/events.js';

/** The vendors' JSON shapes → what the gateway takes from them (table-driven, one row per shape). */
const TS = '2026-12-04T10:00:00.123Z';
const TS_MS = Date.parse(TS);

describe('Impinj IoT Device Interface events', () => {
  it.each([
    [
      'tagInventory with base64url epc, cdBm RSSI',
      {
        timestamp: TS,
        hostname: 'r700',
        eventType: 'tagInventory',
        tagInventoryEvent: {
          epc: 'MDlgYwPHQ4AAGgVZ',
          antennaPort: 2,
          antennaName: 'A2',
          peakRssiCdbm: -5725,
          frequency: 915750,
          transmitPowerCdbm: 3000,
          phaseAngle: 1.2,
        },
      },
      {
        kind: 'tag',
        epcHex: '3039606303C74380001A0559',
        antenna: 2,
        rssiDbm: -57.25,
        readerTimeMs: TS_MS,
        readCount: 1,
      },
    ],
    [
      'epcHex wins over epc when both are sent',
      {
        eventType: 'tagInventory',
        tagInventoryEvent: { epc: 'AAAA', epcHex: 'e2801160600002000000abcd', antennaPort: 1, peakRssiCdbm: -6000 },
      },
      { kind: 'tag', epcHex: 'E2801160600002000000ABCD', antenna: 1, rssiDbm: -60, readerTimeMs: null, readCount: 1 },
    ],
    [
      'gpiTransition low-to-high = beam broken',
      { timestamp: TS, eventType: 'gpiTransition', gpiTransitionEvent: { gpi: 2, transition: 'low-to-high' } },
      { kind: 'gpi', port: 2, state: true, readerTimeMs: TS_MS },
    ],
    [
      'antennaDisconnected',
      { eventType: 'antennaDisconnected', antennaDisconnectedEvent: { antennaPort: 3 } },
      { kind: 'antenna', port: 3, connected: false },
    ],
    [
      'overflow',
      { eventType: 'overflow', overflowEvent: { droppedEventCount: 12 } },
      { kind: 'overflow', detail: 'reader reported overflowEvent' },
    ],
    [
      'inventoryStatus is ignored',
      { eventType: 'inventoryStatus', inventoryStatusEvent: { status: 'running' } },
      { kind: 'ignored', eventType: 'inventoryStatus' },
    ],
    [
      'epc that is not base64url',
      { tagInventoryEvent: { epc: 'MDlg+wPH', antennaPort: 1, peakRssiCdbm: -6000 } },
      { kind: 'bad' },
    ],
    [
      'odd-length epcHex',
      { tagInventoryEvent: { epcHex: 'ABC', antennaPort: 1, peakRssiCdbm: -6000 } },
      { kind: 'bad' },
    ],
    [
      'RSSI as a string',
      { tagInventoryEvent: { epcHex: 'ABCD', antennaPort: 1, peakRssiCdbm: '-60' } },
      { kind: 'bad' },
    ],
    ['antenna 0', { tagInventoryEvent: { epcHex: 'ABCD', antennaPort: 0, peakRssiCdbm: -6000 } }, { kind: 'bad' }],
    ['gpi with an unknown transition', { gpiTransitionEvent: { gpi: 1, transition: 'up' } }, { kind: 'bad' }],
    ['not an object', 42, { kind: 'bad' }],
  ])('%s', (_name, input, expected) => {
    expect(parseImpinjMessage(input)).toEqual([expect.objectContaining(expected)]);
  });
});

describe('Zebra IoT Connector events', () => {
  const tag = (data: Record<string, unknown>) => ({ type: 'SIMPLE', timestamp: '2026-12-04T10:00:00.123+0000', data });
  it.each([
    [
      'one data event',
      tag({
        eventNum: 7,
        format: 'epc',
        idHex: '3039606303c74380001a0559',
        antenna: 4,
        peakRssi: -61,
        reads: 3,
        channel: 915.25,
      }),
      [
        {
          kind: 'tag',
          epcHex: '3039606303C74380001A0559',
          antenna: 4,
          rssiDbm: -61,
          readerTimeMs: TS_MS,
          readCount: 3,
        },
      ],
    ],
    [
      'a batch array',
      [tag({ idHex: 'abcd', antenna: 1, peakRssi: -50 }), tag({ idHex: 'abce', antenna: 2, peakRssi: -55 })],
      [
        expect.objectContaining({ kind: 'tag', epcHex: 'ABCD', readCount: 1 }),
        expect.objectContaining({ kind: 'tag', epcHex: 'ABCE' }),
      ],
    ],
    [
      'GPI HIGH = beam broken',
      { type: 'GPI', timestamp: '2026-12-04T10:00:00.123+0000', data: { pin: 1, state: 'HIGH' } },
      [{ kind: 'gpi', port: 1, state: true, readerTimeMs: TS_MS }],
    ],
    [
      'GPI LOW',
      { type: 'GPI', data: { pin: 3, state: 'LOW' } },
      [{ kind: 'gpi', port: 3, state: false, readerTimeMs: null }],
    ],
    [
      'heartbeat is ignored',
      { type: 'heartbeat', timestamp: TS, data: { temperature: 41, cpu: { system: 3 } } },
      [{ kind: 'ignored', eventType: 'heartbeat' }],
    ],
    ['idHex not hex', tag({ idHex: 'xyz1', antenna: 1, peakRssi: -50 }), [expect.objectContaining({ kind: 'bad' })]],
    ['missing peakRssi', tag({ idHex: 'abcd', antenna: 1 }), [expect.objectContaining({ kind: 'bad' })]],
    ['no data', { type: 'SIMPLE' }, [expect.objectContaining({ kind: 'bad' })]],
  ])('%s', (_name, input, expected) => {
    expect(parseZebraMessage(input)).toEqual(expected);
  });

  it('cuts a batch past EVENTS_PER_MESSAGE_MAX and counts the rest as one bad event', () => {
    const events = parseZebraMessage(
      Array.from({ length: 10_001 }, () => tag({ idHex: 'abcd', antenna: 1, peakRssi: -50 })),
    );
    expect(events).toHaveLength(10_001);
    expect(events.at(-1)).toMatchObject({ kind: 'bad', reason: 'batch of 10001 events cut at 10000' });
  });
});
