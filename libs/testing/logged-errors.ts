import { afterAll, beforeAll, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

/** A line Nest's Logger was asked to write at `error`: what it was given, as pino would get it. */
export interface LoggedError {
  /** The object logged (`{ err, tenantId }`), or the text when only a text was. */
  fields: Record<string, unknown> | string;
  /** The text logged with the object. */
  text: unknown;
}

/**
 * The lines Nest's Logger writes at `error` during the suite that calls this, in order: collected
 * from its beforeAll on (instead of printed). Empty it between tests with `length = 0`.
 */
export function loggedErrorsForSuite(): LoggedError[] {
  const lines: LoggedError[] = [];
  let spy: { mockRestore(): void } | undefined;
  beforeAll(() => {
    spy = jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((message: unknown, text?: unknown) => {
        const fields = typeof message === 'object' && message !== null ? message : String(message);
        lines.push({ fields: fields as LoggedError['fields'], text });
      });
  });
  afterAll(() => {
    spy?.mockRestore();
  });
  return lines;
}
