import type { GatewayStatus } from '../../../shared/src/contracts/status.js';
import type { DeadLetterNotice, PositionChange } from '../events.js';

/**
 * A point independent of the client library; the writers turn it into the library's
 * own point type so line-protocol escaping stays with the library.
 *
 * Tags are only low-cardinality ids (product GTIN, location, site, gateway, reader,
 * antenna, movement kind). EPCs and transaction ids are never tags: each distinct tag
 * value makes a new series and millions of EPCs would blow InfluxDB's series index.
 *
 * Quantities are floats here on purpose: this is analytics, the exact figures stay in the
 * ledger as decimal strings.
 */
export type FieldValue = number | boolean | string;

export interface TimeseriesPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  timeMs: number;
}

export const MEASUREMENTS = {
  stockLevel: 'stock_level',
  movement: 'movement',
  gatewayHealth: 'gateway_health',
  readerHealth: 'reader_health',
  antennaReads: 'antenna_reads',
  deadLetter: 'deadletter',
} as const;

/** Parses an ISO time; falls back to the receive time so a bad clock never loses a point. */
export function timeOrNow(isoTime: string, nowMs: number): number {
  const parsedMs = Date.parse(isoTime);
  return Number.isFinite(parsedMs) ? parsedMs : nowMs;
}

function finiteOrZero(decimal: string): number {
  const value = Number(decimal);
  return Number.isFinite(value) ? value : 0;
}

/** One `stock_level` point (level after the change) and one `movement` point per change. */
export function pointsFromPositions(changes: readonly PositionChange[], nowMs: number): TimeseriesPoint[] {
  const points: TimeseriesPoint[] = [];
  for (const change of changes) {
    const timeMs = timeOrNow(change.time, nowMs);
    const tags = { product: change.product, location: change.location };
    points.push({
      measurement: MEASUREMENTS.stockLevel,
      tags,
      fields: { qty: finiteOrZero(change.qtyAfter), value: finiteOrZero(change.valueAfter) },
      timeMs,
    });
    points.push({
      measurement: MEASUREMENTS.movement,
      tags: { ...tags, kind: change.kind },
      fields: {
        qty_delta: finiteOrZero(change.qtyDelta),
        value_delta: finiteOrZero(change.valueDelta),
        transaction_id: change.transactionId,
      },
      timeMs,
    });
  }
  return points;
}

/** Gateway and reader health from a retained status message. */
export function pointsFromGatewayStatus(status: GatewayStatus, nowMs: number): TimeseriesPoint[] {
  const timeMs = timeOrNow(status.time, nowMs);
  const gatewayTags = { site: status.siteId, gateway: status.gatewayId };
  const readers = status.readers ?? [];
  const gatewayFields: Record<string, FieldValue> = {
    online: status.state === 'online',
    readers_connected: readers.filter((reader) => reader.connected).length,
    readers_total: readers.length,
  };
  if (status.outbox) {
    gatewayFields['outbox_depth'] = status.outbox.depth;
    gatewayFields['outbox_bytes'] = status.outbox.bytes;
    gatewayFields['outbox_fill_ratio'] = status.outbox.fillRatio;
    gatewayFields['outbox_dropped'] = status.outbox.dropped;
  }
  const points: TimeseriesPoint[] = [
    { measurement: MEASUREMENTS.gatewayHealth, tags: gatewayTags, fields: gatewayFields, timeMs },
  ];
  for (const reader of readers) {
    const readerTags = { ...gatewayTags, reader: reader.readerId, protocol: reader.protocol };
    const fields: Record<string, FieldValue> = {
      connected: reader.connected,
      frames_ok: reader.framesOk,
      frames_bad: reader.framesBad,
      reconnects: reader.reconnects,
    };
    if (reader.readsPerSecond !== undefined) fields['reads_per_second'] = reader.readsPerSecond;
    if (reader.lastReadTime !== null) fields['last_read_age_ms'] = Math.max(0, timeMs - reader.lastReadTime);
    points.push({ measurement: MEASUREMENTS.readerHealth, tags: readerTags, fields, timeMs });
    for (const antenna of reader.antennas ?? []) {
      const antennaFields: Record<string, FieldValue> = { reads_per_second: antenna.readsPerSecond };
      if (antenna.rssiDbmMean !== null) antennaFields['rssi_dbm_mean'] = antenna.rssiDbmMean;
      points.push({
        measurement: MEASUREMENTS.antennaReads,
        tags: { ...gatewayTags, reader: reader.readerId, antenna: String(antenna.antenna) },
        fields: antennaFields,
        timeMs,
      });
    }
  }
  return points;
}

export function pointFromDeadLetter(notice: DeadLetterNotice, nowMs: number): TimeseriesPoint {
  return {
    measurement: MEASUREMENTS.deadLetter,
    tags: { code: notice.code },
    fields: { count: 1, topic: notice.topic },
    timeMs: timeOrNow(notice.time, nowMs),
  };
}
