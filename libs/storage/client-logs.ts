import type { ErrorLogParams, Logger, LogParams, WarnLogParams } from '@clickhouse/client';
import { pino, type Logger as Pino } from 'pino';

const text = (params: LogParams & { err?: Error }) =>
  `${params.module}: ${params.message}${params.err === undefined ? '' : ` (${params.err.message})`}`;

const writers = new Map<string, Pino>();

/**
 * A logger class for the ClickHouse client's own lines (a warning about its configuration, a
 * socket's error): structured JSON like every other log line, instead of the client's console
 * format, at LOG_LEVEL. Written to stderr, where the client wrote them: a command's stdout carries
 * its answer (a key's JSON), which a script reads.
 */
export function clientLogs(level: string): new () => Logger {
  let log = writers.get(level);
  if (log === undefined) {
    log = pino(
      { level, base: { service: 'causeway', context: 'ClickHouseClient' } },
      pino.destination({ fd: 2, sync: true }),
    );
    writers.set(level, log);
  }
  const write = log;
  return class ClientLogs implements Logger {
    trace(params: LogParams): void {
      write.trace(text(params));
    }

    debug(params: LogParams): void {
      write.debug(text(params));
    }

    info(params: LogParams): void {
      write.info(text(params));
    }

    warn(params: WarnLogParams): void {
      write.warn(text(params));
    }

    error(params: ErrorLogParams): void {
      write.error(text(params));
    }
  };
}
