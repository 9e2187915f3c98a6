import { pino, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** JSON lines on stderr (stdout's first line is the URL the e2e harness reads). */
export function createLogger(level: LogLevel, instanceId: string): Logger {
  return pino({ level, base: { instance: instanceId } }, pino.destination(2));
}

/** For library use and tests: logs nothing. */
export const silentLogger: Logger = pino({ level: 'silent' });
