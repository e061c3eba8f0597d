// The service's logger writes an error it is handed as it was thrown (by Nest's own exception
// handler, a library, a line that forgot loggedFailure) by what it is and where, not by its
// message: the real pino-http logger of the service, with its real settings, writing to a stream.

import { describe, expect, it } from '@jest/globals';
import { pinoHttp, type Options } from 'pino-http';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/index.js';
import { loggedFailure } from '../errors/index.js';
import { loggerParams } from './logger.js';

const REFUSAL =
  "Code: 469. DB::Exception: Constraint `c` for table default.signals is violated at row 1. Expression: (person_id != 'cust-4711'). Column values: person_id = 'cust-4711'. (VIOLATED_CONSTRAINT)";

/** The service's logger, writing its JSON lines into `lines`. */
function serviceLogger(lines: Record<string, unknown>[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const options = loggerParams(loadConfig({ LOG_LEVEL: 'info' })).pinoHttp as Options;
  return pinoHttp(options, stream).logger;
}

describe('an error handed to the logger as it was thrown', () => {
  it('is written by its type, code, engine error name and frames, without its message', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = serviceLogger(lines);
    const thrown = Object.assign(new Error(REFUSAL), { code: 'CHDB_INSERT' });
    logger.error({ err: thrown }, 'unexpected');
    // as nestjs-pino hands pino an Error given to Nest's Logger.error, or its exception handler's
    logger.error({ context: 'ExceptionsHandler', err: thrown });
    logger.error(thrown);

    expect(JSON.stringify(lines)).not.toContain('cust-4711');
    expect(lines).toHaveLength(3);
    // a line without a text of its own is given the error's type, not its message
    expect(lines.map((line) => line.msg)).toEqual(['unexpected', 'Error', 'Error']);
    for (const line of lines) {
      expect(line.err).toMatchObject({
        type: 'Error',
        code: 'CHDB_INSERT',
        engineError: 'VIOLATED_CONSTRAINT',
      });
    }
  });

  it('writes a failure already made loggable as it is', () => {
    const lines: Record<string, unknown>[] = [];
    const failure = loggedFailure(new Error(REFUSAL));
    serviceLogger(lines).error({ err: failure }, 'request failed');
    expect(lines[0]?.err).toEqual(JSON.parse(JSON.stringify(failure)));
  });
});
