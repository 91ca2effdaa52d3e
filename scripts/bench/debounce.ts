/**
 * Debounce engine throughput: raw reads per second through the engine with
 * 100K live tags across 16 dock-door portals and 64 smart shelves, and the
 * process RSS; beside a naive baseline (string keys, an object per tag, every
 * read kept until its pass closes) measured in the same run on the same reads.
 *
 *   node --import tsx scripts/bench/debounce.ts [readsTotal]
 */
import type { RawRead } from '../../shared/src/contracts/raw-read.js';
import { decodeEpc, encodeSgtin96 } from '../../shared/src/epc/index.js';
import { DebounceConfigSchema, type DebounceConfig } from '../../gateway/src/debounce/config.js';
import { createDebounceEngine } from '../../gateway/src/debounce/engine.js';

const PORTALS = 16;
const SHELVES = 64;
const TAGS = 100_000;
/** 80% of the tags sit on shelves, 20% are in passes through the doors. */
const SHELF_TAGS = 80_000;
/** Simulated read rate: every tag is read about once per simulated second. */
const READS_PER_SIMULATED_MS = 100;
const TICK_INTERVAL_MS = 200;
const START_MS = Date.UTC(2026, 10, 25, 10, 0, 0);
const READS_DEFAULT = 3_000_000;

interface Workload {
  config: DebounceConfig;
  epcs: string[];
}

function buildWorkload(): Workload {
  const portals = Array.from({ length: PORTALS }, (_, index) => ({
    id: `door-${index}`,
    inboundLocation: 'urn:stockwire:loc:bench:backroom',
    outboundLocation: 'urn:stockwire:loc:bench:in-transit',
    antennas: [
      { reader: `dock-${index}`, antenna: 1, side: 'outside' },
      { reader: `dock-${index}`, antenna: 2, side: 'inside' },
    ],
    neighbours: index % 2 === 0 ? [`door-${index + 1}`] : [],
  }));
  const shelves = Array.from({ length: SHELVES }, (_, index) => ({
    id: `shelf-${index}`,
    location: `urn:stockwire:loc:bench:shelf-${index}`,
    antennas: [{ reader: `shelf-reader-${index >> 2}`, antenna: (index & 3) + 1 }],
    countIntervalMs: 10_000,
  }));
  const config = DebounceConfigSchema.parse({
    tickIntervalMs: TICK_INTERVAL_MS,
    evidenceTagsMax: 20,
    portals,
    shelves,
  });
  // 1,000 products × 100 serials. The serial is the low 38 bits, so EPCs are the
  // product's serial-0 EPC plus the serial: plain numbers, no BigInt garbage
  // inflating the RSS before the measurement starts.
  const productEpcs = Array.from({ length: 1_000 }, (_, product) =>
    encodeSgtin96({
      filter: 1,
      companyPrefix: '0614141',
      indicatorAndItemReference: String(100_000 + product),
      serial: 0,
    }),
  );
  const epcs = Array.from({ length: TAGS }, (_, index) => {
    const base = productEpcs[index % 1_000] as string;
    const low40Bits = Number.parseInt(base.slice(14), 16) + index;
    return `${base.slice(0, 14)}${low40Bits.toString(16).toUpperCase().padStart(10, '0')}`;
  });
  return { config, epcs };
}

/**
 * The i-th read of the stream: tags in rotation, shelf tags on their shelf's
 * antenna, door tags crossing from outside to inside over the run.
 */
/** Reader ids as drivers pass them: the configured string, not a new one per read. */
const SHELF_READER_IDS = Array.from({ length: SHELVES / 4 }, (_, index) => `shelf-reader-${index}`);
const DOCK_READER_IDS = Array.from({ length: PORTALS }, (_, index) => `dock-${index}`);

function makeRead(epcs: readonly string[], index: number, readsTotal: number): RawRead {
  const tag = (index * 7_919) % TAGS; // a stride coprime with TAGS: every tag once per TAGS reads, shuffled
  const time = START_MS + Math.floor(index / READS_PER_SIMULATED_MS);
  const epc = epcs[tag] as string;
  if (tag < SHELF_TAGS) {
    const shelf = tag % SHELVES;
    return {
      epc,
      antenna: (shelf & 3) + 1,
      rssi: -55 - (tag % 7),
      time,
      reader: SHELF_READER_IDS[shelf >> 2] as string,
    };
  }
  const portal = tag % PORTALS;
  const progress = index / readsTotal;
  const inside = progress > 0.5 || (progress > 0.3 && tag % 2 === 0);
  return {
    epc,
    antenna: inside ? 2 : 1,
    rssi: inside ? -60 + 20 * progress : -40 - 20 * progress,
    time,
    reader: DOCK_READER_IDS[portal] as string,
  };
}

interface Measurement {
  readsPerSecond: number;
  /** Reads per second of process CPU time: what one core sustains, whatever else the machine runs. */
  readsPerCpuSecond: number;
  elapsedMs: number;
  rssMb: number;
  heapMb: number;
  events: number;
}

interface Subject {
  ingest(read: RawRead, nowMs: number): unknown;
  tick(nowMs: number): { length: number };
  flush(nowMs: number): { length: number };
}

function measure(subject: Subject, epcs: readonly string[], readsTotal: number): Measurement {
  let events = 0;
  let nextTickMs = START_MS + TICK_INTERVAL_MS;
  let rssPeak = 0;
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let index = 0; index < readsTotal; index++) {
    const read = makeRead(epcs, index, readsTotal);
    while (read.time >= nextTickMs) {
      events += subject.tick(nextTickMs).length;
      nextTickMs += TICK_INTERVAL_MS;
      if ((nextTickMs / TICK_INTERVAL_MS) % 25 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }
    subject.ingest(read, read.time);
  }
  events += subject.flush(nextTickMs).length;
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1_000;
  const memory = process.memoryUsage();
  return {
    readsPerSecond: (readsTotal / elapsedMs) * 1_000,
    readsPerCpuSecond: (readsTotal / cpuMs) * 1_000,
    elapsedMs,
    rssMb: Math.max(rssPeak, memory.rss) / 2 ** 20,
    heapMb: memory.heapUsed / 2 ** 20,
    events,
  };
}

/**
 * What a first implementation tends to look like: a string key per (owner, tag)
 * into a Map of objects, every read kept in an array until the pass closes, a
 * sweep over every tag on each tick.
 */
class NaiveEngine implements Subject {
  private readonly routes = new Map<string, { owner: string; kind: 'portal' | 'shelf'; side: string }>();
  private readonly tags = new Map<
    string,
    {
      owner: string;
      kind: 'portal' | 'shelf';
      urn: string;
      reads: { time: number; rssi: number; side: string }[];
      rounds: Set<number>;
      present: boolean;
    }
  >();

  constructor(config: DebounceConfig) {
    for (const portal of config.portals)
      for (const antenna of portal.antennas)
        this.routes.set(`${antenna.reader}:${antenna.antenna}`, {
          owner: portal.id,
          kind: 'portal',
          side: antenna.side,
        });
    for (const shelf of config.shelves)
      for (const antenna of shelf.antennas)
        this.routes.set(`${antenna.reader}:${antenna.antenna}`, { owner: shelf.id, kind: 'shelf', side: '' });
  }

  ingest(read: RawRead): void {
    const route = this.routes.get(`${read.reader}:${read.antenna}`);
    if (route === undefined) return;
    const key = `${route.owner}|${read.epc}`;
    let tag = this.tags.get(key);
    if (tag === undefined) {
      tag = {
        owner: route.owner,
        kind: route.kind,
        urn: decodeEpc(read.epc).urn,
        reads: [],
        rounds: new Set(),
        present: false,
      };
      this.tags.set(key, tag);
    }
    tag.reads.push({ time: read.time, rssi: read.rssi, side: route.side });
    if (route.kind === 'shelf') tag.rounds.add(Math.floor(read.time / 1_000));
  }

  tick(nowMs: number): { length: number } {
    const closed: string[] = [];
    for (const [key, tag] of this.tags) {
      const last = tag.reads.reduce((latest, read) => Math.max(latest, read.time), 0);
      if (tag.kind === 'portal' && nowMs - last >= 3_000) closed.push(key);
      if (tag.kind === 'shelf') {
        const round = Math.floor(nowMs / 1_000);
        const seen = [1, 2, 3].filter((back) => tag.rounds.has(round - back)).length;
        tag.present = seen >= 2 || (tag.present && nowMs - last < 6_000);
        if (tag.reads.length > 64) tag.reads = tag.reads.slice(-8);
      }
    }
    for (const key of closed) this.tags.delete(key);
    return closed;
  }

  flush(nowMs: number): { length: number } {
    const events = this.tick(nowMs + 3_000);
    this.tags.clear();
    return events;
  }
}

interface ChildReport extends Measurement {
  /** Runtime and modules loaded, before the workload is built. */
  rssStartMb: number;
  /** Workload built (100K EPC strings, config), before the engine exists. */
  rssBaseMb: number;
  heapBaseMb: number;
  rssLiveMb: number;
  heapLiveMb: number;
  arrayBuffersLiveMb: number;
  stats?: ReturnType<ReturnType<typeof createDebounceEngine>['stats']>;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** One implementation in this (child) process; RSS is measured after a forced GC so garbage is not counted. */
function measureInChild(kind: 'engine' | 'naive', readsTotal: number): ChildReport {
  gc();
  const rssStartMb = process.memoryUsage.rss() / 2 ** 20;
  const { config, epcs } = buildWorkload();
  // No separate warm-up run: it would leave its pages in the RSS; the first
  // 100K of 3M reads warm the JIT at a cost of well under 5% of the run.
  gc();
  const rssBaseMb = process.memoryUsage.rss() / 2 ** 20;
  const heapBaseMb = process.memoryUsage().heapUsed / 2 ** 20;
  const engine = createDebounceEngine(config, { siteId: 'bench', gatewayId: 'bench' });
  const subject: Subject = kind === 'engine' ? engine : new NaiveEngine(config);
  let rssLiveMb = 0;
  let heapLiveMb = 0;
  let arrayBuffersLiveMb = 0;
  // Live-state RSS is sampled just before flush (all 100K tags tracked), after a GC.
  const flushing: Subject = {
    ingest: (read, nowMs) => subject.ingest(read, nowMs),
    tick: (nowMs) => subject.tick(nowMs),
    flush: (nowMs) => {
      gc();
      const memory = process.memoryUsage();
      rssLiveMb = memory.rss / 2 ** 20;
      heapLiveMb = memory.heapUsed / 2 ** 20;
      arrayBuffersLiveMb = memory.arrayBuffers / 2 ** 20;
      return subject.flush(nowMs);
    },
  };
  const measured = measure(flushing, epcs, readsTotal);
  return {
    ...measured,
    rssStartMb,
    rssBaseMb,
    heapBaseMb,
    rssLiveMb,
    heapLiveMb,
    arrayBuffersLiveMb,
    ...(kind === 'engine' ? { stats: engine.stats() } : {}),
  };
}

/**
 * Compiles this script with tsc into node_modules/.cache so the children run as
 * plain JavaScript, as the daemon does: the tsx loader alone adds ~35 MB of RSS.
 * Falls back to tsx when the compiler is not there.
 */
async function compiledScript(): Promise<string | null> {
  const { execFile } = await import('node:child_process');
  const { existsSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const compiler = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const outDir = join(root, 'node_modules', '.cache', 'stockwire-bench');
  if (!existsSync(compiler)) return null;
  const args = [
    compiler,
    '--ignoreConfig',
    '--outDir',
    outDir,
    '--rootDir',
    root,
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    '--resolveJsonModule',
    '--sourceMap',
    'false',
    fileURLToPath(import.meta.url),
  ];
  const compiled = await new Promise<boolean>((resolve) =>
    execFile(process.execPath, args, { cwd: root, timeout: 120_000 }, (error) => resolve(error === null)),
  );
  if (!compiled) return null;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  const script = join(outDir, 'scripts', 'bench', 'debounce.js');
  return existsSync(script) ? script : null;
}

async function runChild(script: string | null, kind: 'engine' | 'naive', readsTotal: number): Promise<ChildReport> {
  const { execFile } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const args =
    script === null ? ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url)] : ['--expose-gc', script];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...args, '--child', kind, String(readsTotal)],
      { maxBuffer: 1 << 20, timeout: 300_000 },
      (error, stdout) => {
        if (error) reject(error);
        else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport);
      },
    );
  });
}

export async function run(readsTotal = READS_DEFAULT): Promise<void> {
  // Each implementation runs in its own process so neither measures the other's memory.
  const { cpus, loadavg } = await import('node:os');
  const loadBefore = loadavg()[0] ?? 0;
  const script = await compiledScript();
  const engine = await runChild(script, 'engine', readsTotal);
  const naive = await runChild(script, 'naive', readsTotal);
  const line = (name: string, result: ChildReport) =>
    `${name.padEnd(7)} ${Math.round(result.readsPerSecond).toLocaleString('en-US').padStart(10)} reads/s wall, ${Math.round(result.readsPerCpuSecond).toLocaleString('en-US').padStart(10)} per CPU-second, ${result.elapsedMs.toFixed(0).padStart(6)} ms | rss: runtime ${result.rssStartMb.toFixed(0)} MB, + workload ${result.rssBaseMb.toFixed(0)} MB, with 100K live tags ${result.rssLiveMb.toFixed(0)} MB (+${(result.rssLiveMb - result.rssBaseMb).toFixed(0)} MB), peak ${result.rssMb.toFixed(0)} MB, JS heap ${result.heapLiveMb.toFixed(0)} MB (+${(result.heapLiveMb - result.heapBaseMb).toFixed(0)} MB) + typed arrays ${result.arrayBuffersLiveMb.toFixed(0)} MB | events ${result.events}`;
  const stats = engine.stats;
  process.stdout.write(
    [
      `debounce: ${readsTotal.toLocaleString('en-US')} reads, ${TAGS.toLocaleString('en-US')} live tags, ${PORTALS} portals, ${SHELVES} shelves, tick ${TICK_INTERVAL_MS} ms (simulated ${(readsTotal / READS_PER_SIMULATED_MS / 1_000).toFixed(0)} s), one ${script === null ? 'tsx' : 'plain node (tsc-compiled)'} process each`,
      line('engine', engine),
      line('naive', naive),
      `ratio engine/naive: ${(engine.readsPerSecond / naive.readsPerSecond).toFixed(2)}x throughput (${(engine.readsPerCpuSecond / naive.readsPerCpuSecond).toFixed(2)}x per CPU-second), ${((naive.rssLiveMb - naive.rssBaseMb) / Math.max(1, engine.rssLiveMb - engine.rssBaseMb)).toFixed(1)}x less memory for the live state`,
      stats
        ? `engine stats: passes closed ${stats.passesClosed}, shelf rounds ${stats.shelfRoundsClosed}, events ${stats.eventsEmitted}, live tags before flush ${TAGS}`
        : '',
      `machine: ${cpus().length} cores, load average ${loadBefore.toFixed(1)} before / ${(loadavg()[0] ?? 0).toFixed(1)} after (other work on the machine lowers throughput)`,
      `targets: >= 500,000 reads/s on one core ${engine.readsPerCpuSecond >= 500_000 ? 'MET' : 'MISSED'} (per CPU-second; wall ${engine.readsPerSecond >= 500_000 ? 'MET' : 'MISSED'} under this load); live-state RSS < 100 MB ${engine.rssLiveMb - engine.rssBaseMb < 100 ? 'MET' : 'MISSED'} (whole process ${engine.rssLiveMb.toFixed(0)} MB)`,
      '',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--child') {
    const kind = process.argv[3] === 'naive' ? 'naive' : 'engine';
    process.stdout.write(`${JSON.stringify(measureInChild(kind, Number(process.argv[4] ?? READS_DEFAULT)))}\n`);
  } else {
    await run(process.argv[2] === undefined ? READS_DEFAULT : Number(process.argv[2]));
  }
}
