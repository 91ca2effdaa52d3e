import { describe, expect, it } from 'vitest';
import type { GatewayStatus, ReaderHealth } from '../../../shared/src/contracts/status.js';
import type { PositionChange } from '../../src/events.js';
import { AlertsConfigSchema, type AlertsConfig } from '../../src/alerts/config.js';
import {
  evaluateAlerts,
  initialAlertState,
  type AlertEngineState,
  type AlertInput,
  type AlertOutcome,
} from '../../src/alerts/engine.js';
import { addQty, compareQty, maxQty, percentOfQty, subtractQty } from '../../src/alerts/quantity.js';
import { ageingBuckets } from '../../src/alerts/rules/ageing.js';
import { withinOperatingHours } from '../../src/alerts/rules/operating-hours.js';
import type { StockSnapshot } from '../../src/alerts/rules/snapshot.js';
import type { PositionView } from '../../src/alerts/view.js';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-11-25T12:00:00.000Z'); // a Wednesday
const GTIN = '09506000134352';

const config = (overrides: Record<string, unknown> = {}): AlertsConfig => AlertsConfigSchema.parse(overrides);

function position(location: string, qty: string, extra: Partial<PositionView> = {}): PositionView {
  return { product: GTIN, location, site: 'store-1', qty, value: '0', lastOutboundTime: null, ...extra };
}

function snapshot(partial: Partial<StockSnapshot>): StockSnapshot {
  return {
    positions: [],
    products: [{ product: GTIN, name: 'Cola 33cl', reorderPoint: '5', reorderQty: '10' }],
    layers: [],
    missingEpcs: null,
    openDemand: null,
    ...partial,
  };
}

/** Runs inputs in order on one state; returns the last outcome. */
function run(
  inputs: readonly [AlertInput, number][],
  settings = config(),
  start: AlertEngineState = initialAlertState(),
): AlertOutcome {
  let state = start;
  let outcome: AlertOutcome | null = null;
  for (const [input, nowMs] of inputs) {
    outcome = evaluateAlerts(state, input, nowMs, settings);
    state = outcome.state;
  }
  if (!outcome) throw new Error('no inputs');
  return outcome;
}

describe('low stock', () => {
  it.each([
    ['below the point: reorderQty wins', '3', '5', '10', '10', 'warning'],
    ['far below: the shortfall wins', '3', '20', '10', '17', 'warning'],
    ['empty shelf is critical', '0', '5', '10', '10', 'critical'],
    ['no reorder quantity: the shortfall', '1.5', '4', null, '2.5', 'warning'],
  ])('%s', (_name, qty, reorderPoint, reorderQty, suggested, severity) => {
    const outcome = run([
      [
        {
          kind: 'stock',
          snapshot: snapshot({
            positions: [position('store-1/shelf-1', qty)],
            products: [{ product: GTIN, reorderPoint, reorderQty }],
          }),
        },
        T0,
      ],
    ]);
    expect(outcome.raised).toHaveLength(1);
    expect(outcome.raised[0]).toMatchObject({
      kind: 'low_stock',
      severity,
      key: `low_stock/${GTIN}/store-1/shelf-1`,
      details: { availableQty: qty, suggestedOrderQty: suggested },
    });
  });

  it('is quiet at or above the reorder point and for products without one', () => {
    const outcome = run([
      [
        {
          kind: 'stock',
          snapshot: snapshot({ positions: [position('a', '5'), { ...position('b', '0'), product: 'other' }] }),
        },
        T0,
      ],
    ]);
    expect(outcome.raised).toEqual([]);
  });

  it('clears when the shelf is refilled, and updates while it stays low', () => {
    const low = { kind: 'stock', snapshot: snapshot({ positions: [position('shelf', '4')] }) } as const;
    const lower = { kind: 'stock', snapshot: snapshot({ positions: [position('shelf', '2')] }) } as const;
    const refilled = { kind: 'stock', snapshot: snapshot({ positions: [position('shelf', '12')] }) } as const;
    const updated = run([
      [low, T0],
      [lower, T0 + 1000],
    ]);
    expect(updated.updated[0]).toMatchObject({
      details: { availableQty: '2' },
      raisedAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0 + 1000).toISOString(),
    });
    const cleared = run([
      [low, T0],
      [refilled, T0 + 2000],
    ]);
    expect(cleared.cleared.map((alert) => alert.kind)).toEqual(['low_stock']);
    expect(cleared.state.active.size).toBe(0);
  });

  it('filters locations and sums per site when asked', () => {
    const positions = [
      position('store-1/backroom', '1'),
      position('store-1/shelf-1', '2'),
      position('store-1/shelf-2', '2'),
    ];
    expect(
      run(
        [[{ kind: 'stock', snapshot: snapshot({ positions }) }, T0]],
        config({ lowStockLocationMatch: 'shelf' }),
      ).raised.map((alert) => alert.subject.location),
    ).toEqual(['store-1/shelf-1', 'store-1/shelf-2']);
    const perSite = run(
      [[{ kind: 'stock', snapshot: snapshot({ positions }) }, T0]],
      config({ lowStockScope: 'site' }),
    );
    expect(perSite.raised.map((alert) => [alert.subject.site, alert.details['availableQty']])).toEqual([]);
    const perSiteLow = run(
      [[{ kind: 'stock', snapshot: snapshot({ positions: positions.slice(0, 2) }) }, T0]],
      config({ lowStockScope: 'site' }),
    );
    expect(perSiteLow.raised.map((alert) => [alert.subject.site, alert.details['availableQty']])).toEqual([
      ['store-1', '3'],
    ]);
  });
});

describe('replenish from the backroom (distinct from reorder)', () => {
  it.each([
    ['backroom has plenty: move what the shelf needs', '30', 'replenish_from_backroom', '10'],
    ['backroom has a little: move what is there', '4', 'replenish_from_backroom', '4'],
    ['backroom empty: reorder', '0', 'low_stock', undefined],
  ])('%s', (_name, backroomQty, kind, moveQty) => {
    const positions = [position('store-1/backroom', backroomQty), position('store-1/shelf-1', '2')];
    const [alert] = run(
      [[{ kind: 'stock', snapshot: snapshot({ positions }) }, T0]],
      config({ lowStockLocationMatch: 'shelf', replenishFromLocationMatch: 'backroom' }),
    ).raised;
    expect(alert).toMatchObject({ kind, subject: { location: 'store-1/shelf-1' } });
    expect(alert?.details['suggestedMoveQty']).toBe(moveQty);
  });
});

describe('shrinkage', () => {
  const count = (qtyDelta: string, qtyAfter: string, location = 'shelf'): PositionChange => ({
    product: GTIN,
    location,
    qtyDelta,
    valueDelta: '0',
    qtyAfter,
    valueAfter: '0',
    kind: 'count',
    transactionId: 't',
    time: new Date(T0).toISOString(),
  });

  it.each([
    ['loss beyond the percentage', '-3', '97', { shrinkageTolerancePercent: 2 }, true],
    ['loss within the percentage', '-2', '98', { shrinkageTolerancePercent: 2 }, false],
    ['loss within the absolute tolerance', '-3', '97', { shrinkageToleranceQty: '3' }, false],
    ['any loss with zero tolerance', '-1', '99', {}, true],
    ['a gain is not shrinkage', '2', '102', {}, false],
  ])('%s', (_name, qtyDelta, qtyAfter, settings, raised) => {
    const outcome = run([[{ kind: 'positions', changes: [count(qtyDelta, qtyAfter)] }, T0]], config(settings));
    expect(outcome.raised.length).toBe(raised ? 1 : 0);
    if (raised)
      expect(outcome.raised[0]).toMatchObject({
        kind: 'shrinkage',
        details: { source: 'count', bookQty: '100', countedQty: qtyAfter },
      });
  });

  it('clears on a clean count, or after shrinkageHoldMs', () => {
    const settings = config({ shrinkageHoldMs: DAY_MS });
    const raise = { kind: 'positions', changes: [count('-5', '95')] } as const;
    expect(
      run(
        [
          [raise, T0],
          [{ kind: 'positions', changes: [count('0', '95')] }, T0 + 1],
        ],
        settings,
      ).cleared,
    ).toHaveLength(1);
    expect(
      run(
        [
          [raise, T0],
          [{ kind: 'tick' }, T0 + DAY_MS - 1],
        ],
        settings,
      ).cleared,
    ).toHaveLength(0);
    expect(
      run(
        [
          [raise, T0],
          [{ kind: 'tick' }, T0 + DAY_MS],
        ],
        settings,
      ).cleared,
    ).toHaveLength(1);
  });

  it('flags EPCs gone from the shelf longer than goneMs without a sale, grouped, with a bounded sample', () => {
    const missingEpcs = Array.from({ length: 8 }, (_, index) => ({
      epc: `urn:epc:id:sgtin:9506000.134352.${index}`,
      product: GTIN,
      location: 'shelf',
      missingSinceTime: new Date(T0 - (index < 7 ? 3_600_000 : 60_000)).toISOString(),
    }));
    const outcome = run(
      [[{ kind: 'stock', snapshot: snapshot({ missingEpcs, products: [] }) }, T0]],
      config({ goneMs: 1_800_000, missingEpcSampleMax: 3 }),
    );
    expect(outcome.raised).toHaveLength(1);
    expect(outcome.raised[0]?.details).toMatchObject({
      missingCount: 7,
      sampleEpcs: [
        'urn:epc:id:sgtin:9506000.134352.0',
        'urn:epc:id:sgtin:9506000.134352.1',
        'urn:epc:id:sgtin:9506000.134352.2',
      ],
    });
  });
});

describe('slow-moving / obsolete', () => {
  const layer = (ageDays: number, qty: string) => ({
    product: GTIN,
    location: 'backroom',
    receivedTime: new Date(T0 - ageDays * DAY_MS).toISOString(),
    remainingQty: qty,
  });

  it('buckets FIFO layers by age', () => {
    expect(
      ageingBuckets(
        [layer(0, '1'), layer(30, '2'), layer(31, '3'), layer(75, '4'), layer(91, '5'), layer(400, '6')],
        T0,
        [30, 60, 90],
      ),
    ).toEqual([
      { label: '0-30', qty: '3' },
      { label: '31-60', qty: '3' },
      { label: '61-90', qty: '4' },
      { label: '90+', qty: '11' },
    ]);
  });

  it.each([
    ['fresh stock', 10, null, null],
    ['oldest layer past slowMovingDays', 70, null, 'slow_moving'],
    ['oldest layer past obsoleteDays', 130, null, 'obsolete'],
    ['fresh layer but no outbound for 90 days', 5, 90, 'slow_moving'],
    ['recent sale does not hide an old layer', 70, 1, 'slow_moving'],
  ])('%s', (_name, layerAgeDays, daysSinceOutbound, kind) => {
    const lastOutboundTime =
      daysSinceOutbound === null ? null : new Date(T0 - daysSinceOutbound * DAY_MS).toISOString();
    const outcome = run([
      [
        {
          kind: 'stock',
          snapshot: snapshot({
            positions: [position('backroom', '20', { lastOutboundTime })],
            layers: [layer(layerAgeDays, '20')],
          }),
        },
        T0,
      ],
    ]);
    expect(outcome.raised.map((alert) => alert.kind)).toEqual(kind ? [kind] : []);
  });

  it('turns slow-moving into obsolete under the same key', () => {
    const input = {
      kind: 'stock',
      snapshot: snapshot({ positions: [position('backroom', '20')], layers: [layer(70, '20')] }),
    } as const;
    const outcome = run([
      [input, T0],
      [input, T0 + 60 * DAY_MS],
    ]);
    expect(outcome.updated.map((alert) => [alert.kind, alert.key])).toEqual([['obsolete', `ageing/${GTIN}/backroom`]]);
  });
});

describe('overselling risk', () => {
  it.each([
    ['demand below stock', '4', null],
    ['demand equals stock', '5', 'warning'],
    ['demand above stock', '6', 'critical'],
  ])('%s', (_name, openQty, severity) => {
    const outcome = run([
      [
        {
          kind: 'stock',
          snapshot: snapshot({
            positions: [position('shelf', '5')],
            products: [],
            openDemand: [{ product: GTIN, site: 'store-1', openQty }],
          }),
        },
        T0,
      ],
    ]);
    expect(outcome.raised.map((alert) => alert.severity)).toEqual(severity ? [severity] : []);
  });

  it('leaves its alerts alone when the view cannot report demand', () => {
    const raise = {
      kind: 'stock',
      snapshot: snapshot({
        positions: [],
        products: [],
        openDemand: [{ product: GTIN, site: 'store-1', openQty: '1' }],
      }),
    } as const;
    expect(
      run([
        [raise, T0],
        [{ kind: 'stock', snapshot: snapshot({ products: [] }) }, T0 + 1],
      ]).cleared,
    ).toEqual([]);
  });
});

describe('gateways and readers', () => {
  const reader: ReaderHealth = {
    readerId: 'dock-1',
    protocol: 'sim',
    connected: true,
    lastReadTime: T0,
    framesOk: 1,
    framesBad: 0,
    reconnects: 0,
    lastError: null,
  };
  const status = (state: 'online' | 'offline', readers = [reader], time = T0): AlertInput => ({
    kind: 'gatewayStatus',
    status: {
      state,
      gatewayId: 'gw-1',
      siteId: 'store-1',
      time: new Date(time).toISOString(),
      ...(state === 'online' ? { readers } : {}),
    } satisfies GatewayStatus,
  });

  it('raises on the last will and clears when the gateway is back', () => {
    const offline = run([
      [status('online'), T0],
      [status('offline'), T0 + 1],
    ]);
    expect(offline.raised.map((alert) => [alert.kind, alert.severity, alert.key])).toEqual([
      ['gateway_offline', 'critical', 'gateway_offline/store-1/gw-1'],
    ]);
    expect(
      run([
        [status('offline'), T0],
        [status('online'), T0 + 1],
      ]).cleared.map((alert) => alert.kind),
    ).toEqual(['gateway_offline']);
  });

  it.each([
    [89_999, false],
    [90_001, true],
  ])('after %i ms without status, offline = %s (3 × 30 s heartbeats)', (elapsedMs, offline) => {
    const outcome = run([
      [status('online'), T0],
      [{ kind: 'tick' }, T0 + elapsedMs],
    ]);
    expect(outcome.raised.some((alert) => alert.kind === 'gateway_offline')).toBe(offline);
  });

  it('reports a disconnected reader, and a silent one only during operating hours', () => {
    const disconnected = run([
      [status('online', [{ ...reader, connected: false, lastError: 'ENOENT /dev/ttyUSB0' }]), T0],
    ]);
    expect(disconnected.raised[0]).toMatchObject({
      kind: 'reader_fault',
      severity: 'critical',
      key: 'reader_fault/store-1/gw-1/dock-1',
    });
    const hours = {
      operatingHours: { timeZone: 'UTC', start: '08:00', end: '20:00' },
      heartbeatIntervalMs: 0,
      readerSilenceMs: 600_000,
    };
    const silentInHours = run([[status('online', [{ ...reader, lastReadTime: T0 - 700_000 }]), T0]], config(hours));
    expect(silentInHours.raised.map((alert) => alert.severity)).toEqual(['warning']);
    const silentAtNight = run(
      [[status('online', [{ ...reader, lastReadTime: T0 - 700_000 }], T0 + 10 * 3_600_000), T0 + 10 * 3_600_000]],
      config(hours),
    );
    expect(silentAtNight.raised).toEqual([]);
  });

  it('ages reads on the gateway clock, so a skewed gateway clock does not fake silence', () => {
    const skewed = T0 - 3_600_000; // gateway clock one hour behind
    const outcome = run(
      [[status('online', [{ ...reader, lastReadTime: skewed - 1000 }], skewed), T0]],
      config({ readerSilenceMs: 600_000 }),
    );
    expect(outcome.raised).toEqual([]);
  });

  it('does not report readers of an offline gateway', () => {
    const outcome = run([
      [status('online', [{ ...reader, connected: false }]), T0],
      [status('offline'), T0 + 1],
    ]);
    expect(outcome.raised.map((alert) => alert.kind)).toEqual(['gateway_offline']);
    expect(outcome.cleared.map((alert) => alert.kind)).toEqual(['reader_fault']);
  });

  it('ignores new gateways past gatewaysMax', () => {
    const settings = config({ gatewaysMax: 1 });
    const other: AlertInput = {
      kind: 'gatewayStatus',
      status: { state: 'offline', gatewayId: 'gw-2', siteId: 'store-1', time: new Date(T0).toISOString() },
    };
    expect(
      run(
        [
          [status('online'), T0],
          [other, T0],
        ],
        settings,
      ).ignoredStatuses,
    ).toBe(1);
  });
});

describe('a fleet of gateways', () => {
  const statusOf = (index: number, state: 'online' | 'offline', time = T0): AlertInput => ({
    kind: 'gatewayStatus',
    status: {
      state,
      gatewayId: `gw-${index}`,
      siteId: 'store-1',
      time: new Date(time).toISOString(),
      ...(state === 'online' ? { readers: [] } : {}),
    },
  });

  it("re-evaluates only the reporting gateway: another's silence waits for the tick", () => {
    const inputs: [AlertInput, number][] = [
      [statusOf(1, 'online'), T0],
      [statusOf(2, 'online', T0 + 80_000), T0 + 80_000],
      [statusOf(2, 'online', T0 + 100_000), T0 + 100_000],
    ];
    expect(run(inputs).raised).toEqual([]);
    const ticked = run([...inputs, [{ kind: 'tick' }, T0 + 100_001]]);
    expect(ticked.raised.map((alert) => alert.key)).toEqual(['gateway_offline/store-1/gw-1']);
  });

  it('a reconnect storm of 3,000 gateways stays linear (once quadratic: seconds of blocked event loop)', () => {
    const gateways = 3_000;
    const inputs: [AlertInput, number][] = [];
    for (let index = 0; index < gateways; index++) inputs.push([statusOf(index, 'offline'), T0]);
    for (let index = 0; index < gateways; index++) inputs.push([statusOf(index, 'online', T0 + 1), T0 + 1]);
    const settings = config({ gatewaysMax: gateways });
    const startedMs = performance.now();
    let state = initialAlertState();
    let [raised, cleared] = [0, 0];
    for (const [input, nowMs] of inputs) {
      const outcome = evaluateAlerts(state, input, nowMs, settings);
      state = outcome.state;
      raised += outcome.raised.length;
      cleared += outcome.cleared.length;
    }
    expect([raised, cleared, state.active.size]).toEqual([gateways, gateways, 0]);
    // Linear: ~0.24 s here, far under the bound on a loaded machine; the quadratic engine took 38–50 s.
    expect(performance.now() - startedMs).toBeLessThan(5_000);
  });
});

describe('limits', () => {
  it('keeps the most severe past alertsMax and counts the rest', () => {
    const positions = [position('a', '0'), position('b', '1'), position('c', '2')];
    const outcome = run([[{ kind: 'stock', snapshot: snapshot({ positions }) }, T0]], config({ alertsMax: 2 }));
    expect(outcome.raised.map((alert) => alert.subject.location)).toEqual(['a', 'b']);
    expect(outcome.suppressed).toBe(1);
  });
});

describe('operating hours', () => {
  it.each([
    ['inside, UTC', '2026-11-25T12:00:00Z', { timeZone: 'UTC', start: '08:00', end: '20:00', days: [3] }, true],
    ['wrong weekday', '2026-11-25T12:00:00Z', { timeZone: 'UTC', start: '08:00', end: '20:00', days: [1] }, false],
    ['end is exclusive', '2026-11-25T20:00:00Z', { timeZone: 'UTC', start: '08:00', end: '20:00', days: [3] }, false],
    [
      'local time zone',
      '2026-11-25T07:30:00Z',
      { timeZone: 'Europe/Berlin', start: '08:00', end: '20:00', days: [3] },
      true,
    ],
    [
      'across midnight, late part',
      '2026-11-25T23:30:00Z',
      { timeZone: 'UTC', start: '22:00', end: '06:00', days: [3] },
      true,
    ],
    [
      'across midnight, early part belongs to the day before',
      '2026-11-26T05:00:00Z',
      { timeZone: 'UTC', start: '22:00', end: '06:00', days: [3] },
      true,
    ],
    [
      'always',
      '2026-11-25T03:00:00Z',
      { timeZone: 'UTC', start: '00:00', end: '24:00', days: [0, 1, 2, 3, 4, 5, 6] },
      true,
    ],
  ])('%s', (_name, time, hours, expected) => {
    expect(withinOperatingHours(Date.parse(time), hours)).toBe(expected);
  });
});

describe('exact quantities', () => {
  it.each([
    [addQty('0.1', '0.2'), '0.3'],
    [subtractQty('5', '7.25'), '-2.25'],
    [maxQty('10', '9.999'), '10'],
    [percentOfQty('97', 2.5), '2.425'],
    [String(compareQty('1.50', '1.5')), '0'],
  ])('%s = %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('config', () => {
  it('rejects unknown keys and inconsistent thresholds', () => {
    expect(AlertsConfigSchema.safeParse({ lowStock: true }).success).toBe(false);
    expect(AlertsConfigSchema.safeParse({ slowMovingDays: 90, obsoleteDays: 60 }).success).toBe(false);
    expect(AlertsConfigSchema.safeParse({ operatingHours: { timeZone: 'Mars/Olympus' } }).success).toBe(false);
    expect(AlertsConfigSchema.safeParse({ lowStockLocationMatch: '(' }).success).toBe(false);
  });
});
