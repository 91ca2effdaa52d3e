/** The pieces of the end-to-end benchmark (scripts/bench/e2e.ts): options, workload, a fleet of real gateway daemons. */
import { join } from 'node:path';
import { GatewayConfigSchema } from '../../../gateway/src/config.js';
import { createGatewayDaemon, type GatewayDaemon } from '../../../gateway/src/daemon.js';
import { createNotifier } from '../../../gateway/src/systemd/notify.js';
import { systemClock } from '../../../shared/src/clock.js';
import type { EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { withEventId } from '../../../shared/src/contracts/event-id.js';
import { silentLogger } from '../../../shared/src/log.js';

export interface BenchOptions {
  gateways: number;
  brokers: string[];
  stores: string[];
  events: number;
  latencySeconds: number;
  /** Events created in a paced run's first seconds are reported apart: a fleet starting at once is a burst. */
  warmupSeconds: number;
  timeoutMs: number;
  /** Sites the gateways are spread over (gateway i at site i mod sites). */
  sites: number;
  /** Scale-out runs: numbers of cloud processes to compare (e.g. [1, 4]); empty = the single-process table. */
  consumers: number[];
  /** Scale-out runs: the cloud processes' `mqtt.reorderHoldMs`. */
  reorderHoldMs: number;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const value = (name: string, fallback: string): string => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 && argv[index + 1] !== undefined ? (argv[index + 1] as string) : fallback;
  };
  return {
    gateways: Number(value('gateways', '1000')),
    brokers: value('brokers', 'aedes,mosquitto').split(','),
    stores: value('stores', 'sqlite,postgres').split(','),
    events: Number(value('events', '30000')),
    latencySeconds: Number(value('latency-seconds', '10')),
    warmupSeconds: Number(value('warmup-seconds', '3')),
    timeoutMs: Number(value('timeout-seconds', '240')) * 1_000,
    sites: Number(value('sites', '20')),
    consumers: value('consumers', '')
      .split(',')
      .filter((each) => each !== '')
      .map(Number),
    reorderHoldMs: Number(value('reorder-hold-ms', '2000')),
  };
}

export const DEMO_CONFIG_DIR = join(import.meta.dirname, '..', '..', '..', 'config', 'demo');

/**
 * One movement of `items` cases through gateway `gatewayIndex`'s door into its site's backroom. `timeMs`
 * (wall clock) is the event time when given: the cloud process measures latency from it.
 */
export function movement(
  gatewayIndex: number,
  index: number,
  items: number,
  sites: number,
  timeMs?: number,
): EpcisEvent {
  const site = siteOf(gatewayIndex, sites);
  const firstSerial = gatewayIndex * 10_000_000 + index * items + 1;
  return withEventId({
    type: 'ObjectEvent' as const,
    eventTime: new Date(timeMs ?? Date.UTC(2026, 10, 25, 10, 0, 0) + index).toISOString(),
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE' as const,
    bizStep: 'receiving' as const,
    readPoint: { id: `urn:stockwire:loc:${site}:door-3` },
    bizLocation: { id: `urn:stockwire:loc:${site}:backroom` },
    epcList: Array.from({ length: items }, (_, k) => `urn:epc:id:sgtin:0614141.100001.${firstSerial + k}`),
    'stockwire:gateway': gatewayId(gatewayIndex),
  });
}

const siteOf = (gatewayIndex: number, sites: number): string => `store-${(gatewayIndex % sites) + 1}`;
const gatewayId = (gatewayIndex: number): string => `bench-gw-${gatewayIndex}`;

/** What each synthetic engine emits on a tick. */
export type Producer = (gatewayIndex: number, nowMs: number) => EpcisEvent[];

export interface Fleet {
  start(): Promise<void>;
  go(): void;
  stop(): Promise<void>;
}

export interface FleetOptions {
  url: string;
  count: number;
  sites: number;
  tickIntervalMs: number;
  dir: string;
}

export function startFleet(options: FleetOptions, produce: Producer): Fleet {
  const { url, count, sites, tickIntervalMs, dir } = options;
  let running = false;
  const daemons: GatewayDaemon[] = [];
  for (let gatewayIndex = 0; gatewayIndex < count; gatewayIndex++) {
    const config = GatewayConfigSchema.parse({
      siteId: siteOf(gatewayIndex, sites),
      gatewayId: gatewayId(gatewayIndex),
      debounce: { tickIntervalMs },
      mqtt: { url },
      outbox: { path: join(dir, `outbox-${gatewayIndex}.sqlite`) },
      statusIntervalMs: 600_000,
    });
    daemons.push(
      createGatewayDaemon({
        config,
        clock: systemClock,
        logger: silentLogger(),
        notifier: createNotifier({ logger: silentLogger(), environment: {} }),
        parts: {
          createEngine: () => ({
            ingest: () => [],
            tick: (nowMs) => (running ? produce(gatewayIndex, nowMs) : []),
            flush: () => [],
            reconfigure: () => undefined,
          }),
          createReader: () => {
            throw new Error('no readers in the benchmark gateway');
          },
        },
      }),
    );
  }
  return {
    start: async () => {
      for (const daemon of daemons) await daemon.start();
    },
    go: () => void (running = true),
    stop: async () => {
      running = false;
      await Promise.all(daemons.map((daemon) => daemon.stop('benchmark done')));
    },
  };
}

/**
 * Every gateway emits its share of `total` movements as fast as its loop allows. The documents' events are
 * built (and hashed) before the run, so the load side spends its time in the gateway's outbox and publisher.
 */
export function burst(total: number, gateways: number, items: number, indexOffset: number, sites: number): Producer {
  const share = Math.ceil(total / gateways);
  const prebuilt = Array.from({ length: gateways }, (_, gatewayIndex) =>
    Array.from({ length: share }, (_, index) => movement(gatewayIndex, indexOffset + index, items, sites)),
  );
  const next = new Array<number>(gateways).fill(0);
  return (gatewayIndex) => {
    const start = next[gatewayIndex] as number;
    const events = (prebuilt[gatewayIndex] as EpcisEvent[]).slice(start, start + 40);
    next[gatewayIndex] = start + events.length;
    return events;
  };
}

/** G gateways × 1 movement/s for `seconds`, spread over each second; event time = wall clock at creation. */
export function paced(gateways: number, seconds: number, sites: number): Producer {
  const sent = new Array<number>(gateways).fill(0);
  let startMs: number | undefined; // the first tick after go
  return (gatewayIndex) => {
    startMs ??= performance.now();
    // Real gateways are not in phase.
    const dueCount = Math.floor((performance.now() - startMs) / 1_000 + gatewayIndex / gateways);
    const index = sent[gatewayIndex] as number;
    if (index >= Math.min(dueCount, seconds)) return [];
    sent[gatewayIndex] = index + 1;
    return [movement(gatewayIndex, 5_000_000 + index, 1, sites, Date.now())];
  };
}
