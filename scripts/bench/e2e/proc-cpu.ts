/**
 * CPU time of another process tree (PostgreSQL's postmaster and its backends, Mosquitto) from /proc, so the
 * scale-out benchmark can say what the database and the broker cost per event beside the cloud's own CPU.
 * Linux only; elsewhere the figures read as unavailable (NaN).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux build Node supports. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, ticks. */
  ownTicks: number;
  /** cutime + cstime: children that exited and were waited for (backends that ended), ticks. */
  childTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (index: number) => Number(fields[index - 3]);
    return { pid, ppid: field(4), ownTicks: field(14) + field(15), childTicks: field(16) + field(17) };
  } catch {
    return undefined;
  }
}

function pids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/** The first process (lowest pid: a launcher such as runuser before what it starts) whose command line (arguments joined by spaces) satisfies `matches`. */
export function findProcess(matches: (commandLine: string) => boolean): number | undefined {
  for (const pid of pids()) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (matches(commandLine)) return pid;
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** CPU ms used so far by `rootPid` and every descendant, live or exited and reaped. */
export function treeCpuMs(rootPid: number | undefined): number {
  if (rootPid === undefined) return NaN;
  const stats = pids()
    .map(readStat)
    .filter((stat): stat is ProcStat => stat !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const root = stats.find((stat) => stat.pid === rootPid);
  if (!root) return NaN;
  let ticks = 0;
  // Bounded by the process table: each process is visited once (a pid has one parent).
  const queue = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    ticks += next.ownTicks + next.childTicks;
    queue.push(...(children.get(next.pid) ?? []));
  }
  return (ticks * 1_000) / TICKS_PER_SECOND;
}
