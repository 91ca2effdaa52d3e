import { EventEmitter } from 'node:events';
import type { GatewayStatus } from '../../shared/src/contracts/status.js';
import type { PositionChange } from './ledger/position-change.js';

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
