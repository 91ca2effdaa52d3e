/**
 * One cloud process of a shared group, for the scale-out benchmark (scripts/bench/e2e/scale.ts) and the
 * shared-consumer tests: the real cloud service (startCloudService: consumer, group commit, ledger on
 * PostgreSQL, HTTP API) in its own OS process, so N of them use N processes' worth of CPU as N
 * deployed cloud nodes would, and one can be killed with SIGKILL.
 *
 * Parent → child: `start`, `mark`, `stats`, `stop`; child → parent: `started`, `stats`, `stopped`, `failed`.
 * `mark` snapshots the counters and CPU; `stats` answers with what changed since the last mark.
 */
import { CloudConfigSchema } from '../../../cloud/src/config.js';
import { startCloudService, type CloudService } from '../../../cloud/src/service.js';
import { systemClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { DEMO_CONFIG_DIR } from './fleet.js';

export interface WorkerStart {
  type: 'start';
  mqttUrl: string;
  storeUrl: string;
  clientId: string;
  sharedGroup: string;
  poolSize: number;
  reorderHoldMs?: number | undefined;
}

export type WorkerCommand = WorkerStart | { type: 'mark' } | { type: 'stats' } | { type: 'stop' };

export interface WorkerStats {
  /** Events applied or found duplicate since the mark (settled by this process). */
  eventsSettled: number;
  eventsApplied: number;
  eventsDuplicate: number;
  /** Group commits and the messages they held, since the mark. */
  batches: number;
  messages: number;
  /** This process's CPU (user + system) since the mark, ms. */
  cpuMs: number;
  /** Documents the sequence gate held since the mark, and of those released by its time bound. */
  held: number;
  expired: number;
}

export type WorkerReply =
  { type: 'started' } | ({ type: 'stats' } & WorkerStats) | { type: 'stopped' } | { type: 'failed'; reason: string };

let service: CloudService | undefined;
let mark = { applied: 0, duplicate: 0, batches: 0, messages: 0, held: 0, expired: 0, cpu: process.cpuUsage() };

const reply = (message: WorkerReply): void => void process.send?.(message);

function counters() {
  const stats = service?.consumer.stats();
  return {
    applied: stats?.eventsApplied ?? 0,
    duplicate: stats?.eventsDuplicate ?? 0,
    batches: stats?.commit.batches ?? 0,
    messages: stats?.commit.messages ?? 0,
    held: stats?.gate?.held ?? 0,
    expired: stats?.gate?.expired ?? 0,
  };
}

async function start(command: WorkerStart): Promise<void> {
  const config = CloudConfigSchema.parse({
    catalogFile: 'catalog.yaml',
    store: { kind: 'postgres', url: command.storeUrl, poolSize: command.poolSize },
    mqtt: {
      url: command.mqttUrl,
      clientId: command.clientId,
      sharedGroup: command.sharedGroup,
      reorderHoldMs: command.reorderHoldMs,
    },
    http: { port: 0, publicRead: true },
  });
  service = await startCloudService(config, { configDir: DEMO_CONFIG_DIR, logger: silentLogger(), clock: systemClock });
}

async function handle(command: WorkerCommand): Promise<void> {
  switch (command.type) {
    case 'start':
      await start(command);
      return reply({ type: 'started' });
    case 'mark':
      mark = { ...counters(), cpu: process.cpuUsage() };
      return;
    case 'stats': {
      const now = counters();
      const cpu = process.cpuUsage(mark.cpu);
      const eventsApplied = now.applied - mark.applied;
      const eventsDuplicate = now.duplicate - mark.duplicate;
      return reply({
        type: 'stats',
        eventsSettled: eventsApplied + eventsDuplicate,
        eventsApplied,
        eventsDuplicate,
        batches: now.batches - mark.batches,
        messages: now.messages - mark.messages,
        held: now.held - mark.held,
        expired: now.expired - mark.expired,
        cpuMs: (cpu.user + cpu.system) / 1_000,
      });
    }
    case 'stop':
      await service?.stop();
      service = undefined;
      return reply({ type: 'stopped' });
  }
}

process.on('message', (command: WorkerCommand) => {
  handle(command).catch((error: unknown) =>
    reply({ type: 'failed', reason: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent went away (killed, or crashed): do not linger.
process.on('disconnect', () => process.exit(0));
