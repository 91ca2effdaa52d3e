import { EventEmitter } from 'node:events';
import type { GatewayStatus } from '../../shared/src/contracts/status.js';
import type { PositionChange } from './ledger/position-change.js';
import type { ApplyResult } from './ledger/state.js';

/**
 * In-process notifications inside the cloud service: the ledger side emits,
 * analytics (time series, alerts, dashboard) listen. Listeners must not throw
 * and must not block: they queue their own work with their own bounds.
 */
export type { PositionChange } from './ledger/position-change.js';

export interface DeadLetterNotice {
  topic: string;
  reason: string;
  code: string;
  time: string;
}

export interface CloudEventMap {
  positionsChanged: [changes: PositionChange[]];
  gatewayStatus: [status: GatewayStatus, topic: string];
  deadLetter: [notice: DeadLetterNotice];
}

export class CloudEvents extends EventEmitter<CloudEventMap> {}

/**
 * The one announcer of `positionsChanged`, called after the transactions' batch COMMITTED (never before,
 * so a listener never sees a change that could still roll back) by every path that applies transactions:
 * the MQTT consumer and the HTTP API. Returns what it announced.
 */
export function announcePositionsChanged(
  events: CloudEvents | undefined,
  results: readonly ApplyResult[],
): PositionChange[] {
  const changes = results.flatMap((result) => (result.status === 'applied' ? result.changes : []));
  if (events && changes.length > 0) events.emit('positionsChanged', changes);
  return changes;
}
