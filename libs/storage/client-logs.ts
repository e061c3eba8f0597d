import type { ErrorLogParams, Logger, LogParams, WarnLogParams } from '@clickhouse/client';
import { Logger as NestLogger } from '@nestjs/common';

const line = (module: string, message: string, err?: Error) =>
  `${module}: ${message}${err === undefined ? '' : ` (${err.message})`}`;

/**
 * The ClickHouse client's own log lines (a warning about its configuration, a socket's error),
 * written through the application's logger, as structured JSON like every other line, instead of
 * the client's console format. The client passes on warnings and errors only (its default level).
 */
export class ClientLogs implements Logger {
  private readonly logger = new NestLogger('ClickHouseClient');

  trace(params: LogParams): void {
    this.logger.verbose(line(params.module, params.message));
  }

  debug(params: LogParams): void {
    this.logger.debug(line(params.module, params.message));
  }

  info(params: LogParams): void {
    this.logger.log(line(params.module, params.message));
  }

  warn(params: WarnLogParams): void {
    this.logger.warn(line(params.module, params.message, params.err));
  }

  error(params: ErrorLogParams): void {
    this.logger.error(line(params.module, params.message, params.err));
  }
}
