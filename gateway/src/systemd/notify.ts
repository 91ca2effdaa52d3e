import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from '../../../shared/src/log.js';

/**
 * systemd's notify protocol (Type=notify): READY=1, WATCHDOG=1, STATUS=…,
 * STOPPING=1 as datagrams on $NOTIFY_SOCKET. Node has no unix datagram
 * sockets, so this goes through the native `sd-notify` addon (libsystemd's
 * sd_notify), falling back to the `systemd-notify` tool (needs NotifyAccess=all).
 * Without NOTIFY_SOCKET (not under systemd) every call is a no-op.
 */
export interface Notifier {
  readonly enabled: boolean;
  /** Half of WATCHDOG_USEC (systemd's advice), or null when the watchdog is off. */
  readonly watchdogPingIntervalMs: number | null;
  ready(statusText: string): void;
  watchdog(): void;
  status(statusText: string): void;
  stopping(statusText: string): void;
}

/** Sends one notify message (newline-separated assignments). */
export type NotifySender = (message: string) => void;

interface SdNotifyAddon {
  sendState(state: string): void;
}

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

function nativeSender(logger: Logger): NotifySender | null {
  try {
    const addon = createRequire(import.meta.url)('sd-notify') as SdNotifyAddon;
    return (message) => addon.sendState(message);
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'sd-notify addon unavailable; using the systemd-notify tool (set NotifyAccess=all)',
    );
    return null;
  }
}

function toolSender(logger: Logger): NotifySender {
  return (message) => {
    execFile('systemd-notify', message.split('\n').filter(Boolean), (error) => {
      if (error) logger.warn({ err: error.message }, 'systemd-notify failed');
    });
  };
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
  const send: NotifySender = !enabled
    ? () => undefined
    : (options.sender ?? nativeSender(options.logger) ?? toolSender(options.logger));
  return {
    enabled,
    watchdogPingIntervalMs: enabled ? watchdogPingIntervalMs(environment, options.pid ?? process.pid) : null,
    ready: (statusText) => send(`READY=1\nSTATUS=${oneLine(statusText)}`),
    watchdog: () => send('WATCHDOG=1'),
    status: (statusText) => send(`STATUS=${oneLine(statusText)}`),
    stopping: (statusText) => send(`STOPPING=1\nSTATUS=${oneLine(statusText)}`),
  };
}
