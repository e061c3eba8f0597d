import type { ErrorLogParams, Logger, LogParams, WarnLogParams } from '@clickhouse/client';
import { pino, type Logger as Pino } from 'pino';
import { loggedFailure } from '../errors/index.js';

/**
 * A line of the client's: its module and message (the client's own words), and the error it logs
 * by what it is and where, not by its message, which a server's error fills with the row or value
 * it failed on.
 */
export function clientLogLine(params: LogParams & { err?: Error }): [object, string] {
  const fields = params.err === undefined ? {} : { err: loggedFailure(params.err) };
  return [fields, `${params.module}: ${params.message}`];
}

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
      write.trace(...clientLogLine(params));
    }

    debug(params: LogParams): void {
      write.debug(...clientLogLine(params));
    }

    info(params: LogParams): void {
      write.info(...clientLogLine(params));
    }

    warn(params: WarnLogParams): void {
      write.warn(...clientLogLine(params));
    }

    error(params: ErrorLogParams): void {
      write.error(...clientLogLine(params));
    }
  };
}
