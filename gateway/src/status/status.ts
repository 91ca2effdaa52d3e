import { GatewayStatusSchema, type GatewayStatus, type ReaderHealth } from '../../../shared/src/contracts/status.js';
import type { OutboxFill } from '../outbox/outbox.js';

export interface StatusInput {
  state: GatewayStatus['state'];
  siteId: string;
  gatewayId: string;
  nowMs: number;
  version: string;
  readers?: readonly ReaderHealth[];
  outbox?: OutboxFill;
}

/** The retained status document; validated so a bad reader health never goes out malformed. */
export function buildGatewayStatus(input: StatusInput): GatewayStatus {
  const status: GatewayStatus = {
    state: input.state,
    gatewayId: input.gatewayId,
    siteId: input.siteId,
    time: new Date(input.nowMs).toISOString(),
    version: input.version,
  };
  if (input.readers !== undefined) status.readers = [...input.readers];
  if (input.outbox !== undefined) {
    status.outbox = {
      depth: input.outbox.depth,
      bytes: input.outbox.bytes,
      // Rounded: the ratio is for people and dashboards, not for arithmetic.
      fillRatio: Math.round(input.outbox.fillRatio * 10_000) / 10_000,
      dropped: input.outbox.droppedTotal,
    };
  }
  return GatewayStatusSchema.parse(status);
}

export interface SummaryInput {
  connected: boolean;
  readers: readonly ReaderHealth[];
  outbox: OutboxFill;
  eventsAcked: number;
  paused: boolean;
}

/** One line for systemd's STATUS= (shown by `systemctl status`). */
export function statusLine(input: SummaryInput): string {
  const readersUp = input.readers.filter((reader) => reader.connected).length;
  const parts = [
    input.connected ? 'mqtt up' : 'mqtt down',
    `readers ${readersUp}/${input.readers.length}`,
    `outbox ${input.outbox.depth} (${Math.round(input.outbox.fillRatio * 100)}%)`,
    `sent ${input.eventsAcked}`,
  ];
  if (input.outbox.droppedTotal > 0) parts.push(`dropped ${input.outbox.droppedTotal}`);
  if (input.paused) parts.push('readers paused: outbox full');
  return parts.join(', ');
}
