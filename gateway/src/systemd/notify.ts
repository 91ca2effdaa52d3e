import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from '../../../shared/src/log.js';

/**
 * systemd's notify protocol (Type=notify): READY=1, WATCHDOG=1, STATUS=…,
 * STOPPING=1 as datagrams on $NOTIFY_SOCKET. Node has no unix datagram
 * sockets, so a message goes out one of two ways:
 * - `addon`: the optional native `sd-notify` addon (libsystemd's sd_notify). It needs
 *   libsystemd-dev to build, so it is an optionalDependency: npm skips it when the
 *   headers are missing and `npm install` still succeeds on a fresh machine.
 * - `tool`: the `systemd-notify` binary that ships with systemd itself (so it exists
 *   wherever there is a NOTIFY_SOCKET). It sends from a child process, so the unit
 *   needs NotifyAccess=all; it waits for systemd to process each message (a
 *   BARRIER=1 round trip), and messages are sent one at a time to keep their order.
 * STOCKWIRE_NOTIFY_TRANSPORT=addon|tool|auto picks one (auto: the addon when it
 * loads, else the tool). Without NOTIFY_SOCKET (not under systemd) every call is a no-op.
 */
export interface Notifier {
  readonly enabled: boolean;
  /** Which way messages go: 'none' when not under systemd. */
  readonly transport: NotifyTransport | 'none';
  /** Half of WATCHDOG_USEC (systemd's advice), or null when the watchdog is off. */
  readonly watchdogPingIntervalMs: number | null;
  ready(statusText: string): void;
  watchdog(): void;
  status(statusText: string): void;
  stopping(statusText: string): void;
  /** Resolves when every message sent so far has been handed to systemd (call before exit). */
  settled(): Promise<void>;
}

export type NotifyTransport = 'addon' | 'tool' | 'custom';

/** Sends one notify message (newline-separated assignments); may return a promise that settles when sent. */
export type NotifySender = (message: string) => unknown;

interface SdNotifyAddon {
  sendState(state: string): void;
}

/** Longest a systemd-notify call may take before it is abandoned (systemd answers in milliseconds). */
const TOOL_TIMEOUT_MS = 5_000;
/** Messages waiting for the tool; past this a stalled systemd costs old STATUS lines, never memory. */
const TOOL_QUEUE_MAX = 64;

/** STATUS= is one line; systemd shows it verbatim, so newlines would break the protocol. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 400);
}

export function watchdogPingIntervalMs(environment: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(environment['WATCHDOG_USEC']);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  const watchdogPid = environment['WATCHDOG_PID'];
  if (watchdogPid !== undefined && Number(watchdogPid) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2_000));
}

/** The addon's sender, or null when it is not installed (no libsystemd-dev at install time). */
export function addonSender(): NotifySender | null {
  try {
    const addon = createRequire(import.meta.url)('sd-notify') as SdNotifyAddon;
    return (message) => addon.sendState(message);
  } catch {
    return null;
  }
}

/** One `systemd-notify VAR=value…` call per message, strictly in order. */
export function toolSender(logger: Logger, command = 'systemd-notify'): NotifySender {
  let queued = 0;
  let tail: Promise<void> = Promise.resolve();
  const runTool = (message: string) =>
    new Promise<void>((resolve) => {
      execFile(command, message.split('\n').filter(Boolean), { timeout: TOOL_TIMEOUT_MS }, (error) => {
        if (error) logger.warn({ err: error.message }, 'systemd-notify failed');
        resolve();
      });
    });
  return (message) => {
    // READY and STOPPING always go; a backlog sheds pings and status lines, which the next ones replace.
    if (queued >= TOOL_QUEUE_MAX && !/^(READY|STOPPING)=/.test(message)) return tail;
    queued += 1;
    tail = tail.then(() => runTool(message)).finally(() => (queued -= 1));
    return tail;
  };
}

function chooseSender(
  logger: Logger,
  environment: NodeJS.ProcessEnv,
): { transport: NotifyTransport; send: NotifySender } {
  const wanted = environment['STOCKWIRE_NOTIFY_TRANSPORT'] ?? 'auto';
  if (wanted !== 'tool') {
    const addon = addonSender();
    if (addon) return { transport: 'addon', send: addon };
    if (wanted === 'addon') logger.warn('sd-notify addon requested but not installed; using the systemd-notify tool');
  }
  logger.info('sd_notify through the systemd-notify tool (the unit needs NotifyAccess=all)');
  return { transport: 'tool', send: toolSender(logger) };
}

export function createNotifier(options: {
  logger: Logger;
  environment?: NodeJS.ProcessEnv;
  pid?: number;
  sender?: NotifySender;
}): Notifier {
  const environment = options.environment ?? process.env;
  const socketPath = environment['NOTIFY_SOCKET'];
  const enabled = socketPath !== undefined && socketPath !== '';
  const chosen = !enabled
    ? { transport: 'none' as const, send: () => undefined }
    : options.sender
      ? { transport: 'custom' as const, send: options.sender }
      : chooseSender(options.logger, environment);
  let last: Promise<void> = Promise.resolve();
  const send = (message: string) => {
    last = Promise.resolve(chosen.send(message)).then(() => undefined);
  };
  return {
    enabled,
    transport: chosen.transport,
    watchdogPingIntervalMs: enabled ? watchdogPingIntervalMs(environment, options.pid ?? process.pid) : null,
    ready: (statusText) => send(`READY=1\nSTATUS=${oneLine(statusText)}`),
    watchdog: () => send('WATCHDOG=1'),
    status: (statusText) => send(`STATUS=${oneLine(statusText)}`),
    stopping: (statusText) => send(`STOPPING=1\nSTATUS=${oneLine(statusText)}`),
    settled: () => last,
  };
}
