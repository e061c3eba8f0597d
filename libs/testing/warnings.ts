import { afterAll, beforeAll, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

/**
 * The warnings Nest's Logger writes during the suite that calls this, in order: collected from
 * its beforeAll on (instead of printed) and printed again after its last test.
 */
export function warningsForSuite(): string[] {
  const warnings: string[] = [];
  let spy: { mockRestore(): void } | undefined;
  beforeAll(() => {
    spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterAll(() => {
    spy?.mockRestore();
  });
  return warnings;
}
