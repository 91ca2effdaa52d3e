import type { GatewayStatus, ReaderHealth } from '../../../../shared/src/contracts/status.js';
import type { AlertsConfig } from '../config.js';
import { alertKey, type AlertCondition } from '../types.js';
import { withinOperatingHours } from './operating-hours.js';
import { parseTimeMs } from './snapshot.js';

/** What the engine remembers about a gateway from its retained status messages. */
export interface GatewayTrack {
  siteId: string;
  gatewayId: string;
  state: 'online' | 'offline';
  /** Receive time on the cloud's clock: heartbeats are judged on one clock only. */
  receivedMs: number;
  /** The gateway's own clock at that status, to age `lastReadTime` without trusting clock sync. */
  statusTimeMs: number;
  readers: readonly ReaderHealth[];
  /** When the cloud first heard of it: a reader that never read is judged silent from here. */
  firstSeenMs: number;
}

export function gatewayKey(siteId: string, gatewayId: string): string {
  return `${siteId}/${gatewayId}`;
}

/**
 * Records a status in `gateways` (in place: the engine owns its state) and returns the gateway's new track;
 * null (and changes nothing) when a new gateway would exceed `gatewaysMax`.
 */
export function trackGatewayStatus(
  gateways: Map<string, GatewayTrack>,
  status: GatewayStatus,
  receivedMs: number,
  gatewaysMax: number,
): GatewayTrack | null {
  const key = gatewayKey(status.siteId, status.gatewayId);
  if (!gateways.has(key) && gateways.size >= gatewaysMax) return null;
  const previous = gateways.get(key);
  const track: GatewayTrack = {
    siteId: status.siteId,
    gatewayId: status.gatewayId,
    state: status.state,
    receivedMs,
    statusTimeMs: parseTimeMs(status.time) ?? receivedMs,
    // a last will carries no reader list: keep the last known one for the record
    readers: status.readers ?? (status.state === 'offline' ? (previous?.readers ?? []) : []),
    firstSeenMs: previous?.firstSeenMs ?? receivedMs,
  };
  gateways.set(key, track);
  return track;
}

function isOffline(gateway: GatewayTrack, nowMs: number, config: AlertsConfig): { offline: boolean; reason: string } {
  if (gateway.state === 'offline') return { offline: true, reason: 'last will / offline status' };
  const silenceMs = nowMs - gateway.receivedMs;
  if (config.heartbeatIntervalMs > 0 && silenceMs > config.heartbeatIntervalMs * config.heartbeatsMissedMax) {
    return {
      offline: true,
      reason: `no status for ${Math.round(silenceMs / 1000)} s (${config.heartbeatsMissedMax} heartbeats missed)`,
    };
  }
  return { offline: false, reason: '' };
}

export function gatewayOfflineRule(
  gateways: ReadonlyMap<string, GatewayTrack>,
  nowMs: number,
  config: AlertsConfig,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const gateway of gateways.values()) {
    const { offline, reason } = isOffline(gateway, nowMs, config);
    if (!offline) continue;
    conditions.push({
      key: alertKey('gateway_offline', gateway.siteId, gateway.gatewayId),
      kind: 'gateway_offline',
      severity: 'critical',
      subject: { site: gateway.siteId, gateway: gateway.gatewayId },
      message: `gateway ${gateway.gatewayId} at ${gateway.siteId} is offline: ${reason}`,
      details: { reason, lastStatusAt: new Date(gateway.receivedMs).toISOString() },
    });
  }
  return conditions;
}

/**
 * Reader fault: disconnected, or no reads for `readerSilenceMs` during operating hours.
 * Readers of an offline gateway are not reported: the gateway alert already says it,
 * and their health is unknown.
 */
export function readerFaultRule(
  gateways: ReadonlyMap<string, GatewayTrack>,
  nowMs: number,
  config: AlertsConfig,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  const inHours = withinOperatingHours(nowMs, config.operatingHours);
  for (const gateway of gateways.values()) {
    if (isOffline(gateway, nowMs, config).offline) continue;
    for (const reader of gateway.readers) {
      let reason: string | null = null;
      if (!reader.connected) reason = `disconnected${reader.lastError ? `: ${reader.lastError}` : ''}`;
      else if (config.readerSilenceMs > 0 && inHours) {
        // age on the gateway's clock at status time, plus time since on ours: no clock sync needed
        const silenceMs =
          reader.lastReadTime === null
            ? nowMs - gateway.firstSeenMs
            : gateway.statusTimeMs - reader.lastReadTime + (nowMs - gateway.receivedMs);
        if (silenceMs > config.readerSilenceMs)
          reason = `no reads for ${Math.round(silenceMs / 60_000)} min during operating hours`;
      }
      if (reason === null) continue;
      conditions.push({
        key: alertKey('reader_fault', gateway.siteId, gateway.gatewayId, reader.readerId),
        kind: 'reader_fault',
        severity: reader.connected ? 'warning' : 'critical',
        subject: { site: gateway.siteId, gateway: gateway.gatewayId, reader: reader.readerId },
        message: `reader ${reader.readerId} on ${gateway.gatewayId} at ${gateway.siteId}: ${reason}`,
        details: { reason, connected: reader.connected, lastError: reader.lastError, reconnects: reader.reconnects },
      });
    }
  }
  return conditions;
}
