import type { GatewayStatus } from '../../../shared/src/contracts/status.js';
import type { PositionChange } from '../events.js';
import type { DashboardConfig } from './config.js';

export interface HistoryPoint {
  time: string;
  qty: string;
}

export interface MovementView {
  time: string;
  product: string;
  location: string;
  kind: string;
  qtyDelta: string;
  qtyAfter: string;
  transactionId: string;
}

export interface GatewayView {
  status: GatewayStatus;
  topic: string;
  receivedAt: string;
}

/**
 * What the dashboard remembers between page loads: the recent movements feed, a short
 * stock-level history per product × location for the chart, and the last status of each
 * gateway. Every collection is bounded; no timers, no I/O.
 */
export class LiveState {
  private readonly movements: MovementView[] = [];
  private readonly history = new Map<string, HistoryPoint[]>();
  private readonly gateways = new Map<string, GatewayView>();

  constructor(
    private readonly limits: Pick<DashboardConfig, 'movementsMax' | 'historyPointsMax' | 'historySeriesMax'> & {
      gatewaysMax?: number;
    },
  ) {}

  applyPositions(changes: readonly PositionChange[]): MovementView[] {
    const added: MovementView[] = [];
    for (const change of changes) {
      const movement: MovementView = {
        time: change.time,
        product: change.product,
        location: change.location,
        kind: change.kind,
        qtyDelta: change.qtyDelta,
        qtyAfter: change.qtyAfter,
        transactionId: change.transactionId,
      };
      added.push(movement);
      this.movements.push(movement);
      this.recordLevel(change.product, change.location, change.time, change.qtyAfter);
    }
    if (this.movements.length > this.limits.movementsMax)
      this.movements.splice(0, this.movements.length - this.limits.movementsMax);
    return added;
  }

  applyGatewayStatus(status: GatewayStatus, topic: string, receivedAt: string): GatewayView {
    const key = `${status.siteId}/${status.gatewayId}`;
    const view: GatewayView = { status, topic, receivedAt };
    if (this.gateways.has(key) || this.gateways.size < (this.limits.gatewaysMax ?? 10_000))
      this.gateways.set(key, view);
    return view;
  }

  /** Seeds a series with the current level so the chart starts from a known value. */
  seedLevel(product: string, location: string, time: string, qty: string): void {
    if (!this.history.has(seriesKey(product, location))) this.recordLevel(product, location, time, qty);
  }

  recentMovements(): MovementView[] {
    return [...this.movements].reverse();
  }

  gatewayList(): GatewayView[] {
    return [...this.gateways.values()].sort((a, b) =>
      `${a.status.siteId}/${a.status.gatewayId}`.localeCompare(`${b.status.siteId}/${b.status.gatewayId}`),
    );
  }

  /** The series of one product at one location, or at every location when `location` is undefined. */
  historyOf(product: string, location?: string): { location: string; points: HistoryPoint[] }[] {
    const series: { location: string; points: HistoryPoint[] }[] = [];
    for (const [key, points] of this.history) {
      const [seriesProduct, seriesLocation] = key.split('\u0000') as [string, string];
      if (seriesProduct !== product || (location !== undefined && seriesLocation !== location)) continue;
      series.push({ location: seriesLocation, points: [...points] });
    }
    return series.sort((a, b) => a.location.localeCompare(b.location));
  }

  private recordLevel(product: string, location: string, time: string, qty: string): void {
    const key = seriesKey(product, location);
    const points = this.history.get(key) ?? [];
    // re-insert so the map's order is least recently changed first, for eviction
    this.history.delete(key);
    points.push({ time, qty });
    if (points.length > this.limits.historyPointsMax) points.splice(0, points.length - this.limits.historyPointsMax);
    this.history.set(key, points);
    while (this.history.size > this.limits.historySeriesMax) {
      const oldest = this.history.keys().next();
      if (oldest.done) break;
      this.history.delete(oldest.value);
    }
  }
}

function seriesKey(product: string, location: string): string {
  return `${product}\u0000${location}`;
}
