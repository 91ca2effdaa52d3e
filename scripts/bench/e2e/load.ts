/**
 * The load side of the end-to-end benchmark, in its own process (forked by scripts/bench/e2e.ts): the
 * embedded broker when the run uses aedes, and the fleet of real gateway daemons. Apart from the cloud,
 * the cloud process's CPU time (process.cpuUsage) is the cloud's own, which is what means something on a
 * small machine where the gateways would otherwise take most of it.
 *
 * Parent → child: `broker`, `run`, `go`, `stop`, `exit`; child → parent: `broker` (url), `ready`, `stopped`,
 * `failed`. One run at a time.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { silentLogger } from '../../../shared/src/log.js';
import { burst, paced, startFleet, type Fleet, type Producer } from './fleet.js';

export type Workload =
  { kind: 'burst'; total: number; items: number; indexOffset: number } | { kind: 'paced'; seconds: number };

export type LoadCommand =
  | { type: 'broker' }
  | { type: 'run'; url: string; gateways: number; sites: number; workload: Workload }
  | { type: 'go' }
  | { type: 'stop' }
  | { type: 'exit' };

export type LoadReply =
  | { type: 'broker'; url: string }
  | { type: 'ready' }
  | { type: 'stopped'; cpuMs: number }
  | { type: 'failed'; reason: string };

const TICK_INTERVAL_MS = 200;

function producerOf(workload: Workload, gateways: number, sites: number): Producer {
  return workload.kind === 'burst'
    ? burst(workload.total, gateways, workload.items, workload.indexOffset, sites)
    : paced(gateways, workload.seconds, sites);
}

const ramDir = (): string => mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'stockwire-e2e-'));

let broker: EmbeddedBroker | undefined;
let current: { fleet: Fleet; dir: string; cpu?: NodeJS.CpuUsage } | undefined;

const reply = (message: LoadReply): void => void process.send?.(message);

async function handle(command: LoadCommand): Promise<void> {
  switch (command.type) {
    case 'broker':
      broker ??= await startEmbeddedBroker({
        host: '127.0.0.1',
        port: 0,
        allowAnonymous: true,
        logger: silentLogger(),
      });
      return reply({ type: 'broker', url: `mqtt://127.0.0.1:${broker.port}` });
    case 'run': {
      const dir = ramDir();
      const { url, gateways, sites } = command;
      const fleet = startFleet(
        { url, count: gateways, sites, tickIntervalMs: TICK_INTERVAL_MS, dir },
        producerOf(command.workload, gateways, sites),
      );
      current = { fleet, dir };
      await fleet.start();
      return reply({ type: 'ready' });
    }
    case 'go':
      if (current) current.cpu = process.cpuUsage();
      return current?.fleet.go();
    case 'stop': {
      // From go to the parent seeing the run done (the fleet's own stop is not part of the run).
      const cpu = current?.cpu ? process.cpuUsage(current.cpu) : { user: 0, system: 0 };
      if (current) {
        await current.fleet.stop();
        rmSync(current.dir, { recursive: true, force: true });
        current = undefined;
      }
      return reply({ type: 'stopped', cpuMs: (cpu.user + cpu.system) / 1_000 });
    }
    case 'exit':
      await broker?.close();
      process.exit(0);
  }
}

process.on('message', (command: LoadCommand) => {
  handle(command).catch((error: unknown) =>
    reply({ type: 'failed', reason: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent went away (killed, or crashed): do not linger.
process.on('disconnect', () => process.exit(0));
