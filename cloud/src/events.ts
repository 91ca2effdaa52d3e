import { EventEmitter } from 'node:events';
import type { GatewayStatus } from '../../shared/src/contracts/status.js';

/**
 * In-process notifications inside the cloud service: the ledger side emits,
 * analytics (time series, alerts, dashboard) listen. Listeners must not throw
 * and must not block: they queue their own work with their own bounds.
 */
export interface PositionChange {
  product: string; // GTIN-14
  location: string;
  qtyDelta: string; // decimal strings: exact
  valueDelta: string;
  qtyAfter: string;
  valueAfter: string;
  kind: string; // receipt, sale, transfer_in, transfer_out, count, adjustment, …
  transactionId: string;
  time: string; // ISO 8601 event time
}

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
