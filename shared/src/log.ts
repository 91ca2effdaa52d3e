import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (journald keeps them); LOG_LEVEL overrides the level. */
export function createLogger(name: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
