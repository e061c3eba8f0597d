import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { loadConfig } from '../config/index.js';
import { createClickHouseClient } from './clickhouse.js';

describe("the ClickHouse client's own log lines", () => {
  afterEach(() => {
    Logger.overrideLogger(new ConsoleLogger());
    jest.restoreAllMocks();
  });

  it("go through the application's logger, not the client's console format", async () => {
    const written: string[] = [];
    const record = (level: string) => (message: unknown, context?: unknown) => {
      written.push(`${level} ${String(context)} ${String(message)}`);
    };
    Logger.overrideLogger({
      log: record('log'),
      warn: record('warn'),
      error: record('error'),
    });
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // A server client: the client warns about its 300 s request timeout as it is made.
    const client = createClickHouseClient(
      loadConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent' }),
    );
    await client.close();
    expect(written).toEqual([
      expect.stringMatching(
        /^warn ClickHouseClient Config: request_timeout is set to 300000ms, but send_progress_in_http_headers is not enabled\./,
      ),
    ]);
    expect(consoleWarn).not.toHaveBeenCalled();
  });
});
