import mqtt, { type MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { NO_BEAMS, type BeamSource } from './beam-source.js';
import type { FieldRead, ReadSource } from './read-source.js';

/**
 * A simulated Zebra FX9600 with the IoT Connector publishing to an MQTT broker in
 * the vendor's shape: data events `{type: "SIMPLE", timestamp, data: {idHex, antenna,
 * peakRssi, reads, channel, eventNum, format}}`, one object per message or an array
 * when batching, and GPI events `{type: "GPI", timestamp, data: {pin, state}}`.
 * Like the reader it retains events while it cannot publish (broker down, or the
 * scenario has it offline: its network is down, the radio keeps reading) up to
 * `retainedEventsMax`, and replays them oldest first at `replayPerSecond` afterwards.
 */
export interface ZebraIotSimulatorOptions {
  source: ReadSource;
  beams?: BeamSource;
  clock: Clock;
  mqttUrl: string;
  dataTopic: string;
  /** Management events (GPI); default: the data topic. */
  eventsTopic?: string;
  clientId?: string;
  username?: string;
  password?: string;
  /** Events per MQTT message; 1 sends single objects (the connector's default), more sends arrays. */
  batchSize?: number;
  eventIntervalMs?: number;
  retainedEventsMax?: number;
  replayPerSecond?: number;
}

export interface ZebraIotSimulator {
  /** Events waiting to be published (the retention buffer). */
  retained(): number;
  /** Events dropped because the retention buffer was full. */
  dropped(): number;
  published(): number;
  close(): Promise<void>;
}

interface QueuedEvent {
  topic: string;
  event: object;
}

export const ZEBRA_RETAINED_EVENTS_MAX = 150_000;
const DEFAULT_REPLAY_PER_SECOND = 500;
const DEFAULT_EVENT_INTERVAL_MS = 100;

/** The connector writes ISO 8601 with a `+hhmm` offset (e.g. `2026-12-04T10:00:00.123+0000`). */
export function zebraTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

export function zebraTagEvent(read: FieldRead, timestamp: string, eventNum: number): object {
  return {
    type: 'SIMPLE',
    timestamp,
    data: {
      eventNum,
      format: 'epc',
      idHex: read.epc.toLowerCase(),
      antenna: read.antenna,
      peakRssi: Math.round(read.rssiDbm),
      reads: 1,
      channel: 915.25,
    },
  };
}

export function zebraGpiEvent(pin: number, state: boolean, timestamp: string): object {
  return { type: 'GPI', timestamp, data: { pin, state: state ? 'HIGH' : 'LOW' } };
}

export async function startZebraIotSimulator(options: ZebraIotSimulatorOptions): Promise<ZebraIotSimulator> {
  const client: MqttClient = await mqtt.connectAsync(options.mqttUrl, {
    clientId: options.clientId ?? `zebra-sim-${Math.random().toString(16).slice(2, 10)}`,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    reconnectPeriod: 500,
  });
  client.on('error', () => undefined);
  const queue: QueuedEvent[] = [];
  const retainedMax = options.retainedEventsMax ?? ZEBRA_RETAINED_EVENTS_MAX;
  const intervalMs = options.eventIntervalMs ?? DEFAULT_EVENT_INTERVAL_MS;
  const replayBudget = Math.max(
    1,
    Math.round(((options.replayPerSecond ?? DEFAULT_REPLAY_PER_SECOND) * intervalMs) / 1000),
  );
  let eventNum = 0;
  let dropped = 0;
  let published = 0;
  const tick = (): void => {
    const timestamp = zebraTimestamp(options.clock.nowMs());
    const fresh: QueuedEvent[] = [];
    for (const change of (options.beams ?? NO_BEAMS).take())
      fresh.push({
        topic: options.eventsTopic ?? options.dataTopic,
        event: zebraGpiEvent(change.port, change.state, timestamp),
      });
    for (const read of options.source.take())
      fresh.push({ topic: options.dataTopic, event: zebraTagEvent(read, timestamp, ++eventNum) });
    queue.push(...fresh);
    if (queue.length > retainedMax) dropped += queue.splice(0, queue.length - retainedMax).length;
    if (!client.connected || options.source.isUnplugged()) return;
    const budget = Math.max(fresh.length, replayBudget);
    const sending = queue.splice(0, Math.min(budget, queue.length));
    published += sending.length;
    publishBatches(client, sending, options.batchSize ?? 1);
  };
  const timer: TimerHandle = options.clock.setInterval(tick, intervalMs);
  return {
    retained: () => queue.length,
    dropped: () => dropped,
    published: () => published,
    async close() {
      timer.cancel();
      await client.endAsync(true).catch(() => undefined);
    },
  };
}

function publishBatches(client: MqttClient, events: readonly QueuedEvent[], batchSize: number): void {
  const byTopic = new Map<string, object[]>();
  for (const { topic, event } of events) {
    const list = byTopic.get(topic);
    if (list) list.push(event);
    else byTopic.set(topic, [event]);
  }
  for (const [topic, topicEvents] of byTopic) {
    for (let index = 0; index < topicEvents.length; index += batchSize) {
      const batch = topicEvents.slice(index, index + batchSize);
      client.publish(topic, JSON.stringify(batchSize === 1 ? batch[0] : batch), { qos: 0 });
    }
  }
}
