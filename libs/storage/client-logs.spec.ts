import { describe, expect, it } from '@jest/globals';
import { clientLogLine } from './client-logs.js';

/** A server error as ClickHouse streams it mid-result, quoting the value it failed on. */
const SERVER_ERROR =
  "Code: 6. DB::Exception: Cannot parse string 'jane.roe@example.org' as UInt64: syntax error at begin of string. (CANNOT_PARSE_TEXT)";

describe("a line of the ClickHouse client's own log", () => {
  it('keeps its module, its message and what the error is, not the value the server quoted', () => {
    const err = Object.assign(new Error(SERVER_ERROR), { code: '6' });
    const [fields, text] = clientLogLine({
      module: 'Client',
      message: 'Error while processing the ResultSet.',
      err,
    });
    expect(text).toBe('Client: Error while processing the ResultSet.');
    expect(fields).toMatchObject({
      err: { type: 'Error', code: '6', engineError: 'CANNOT_PARSE_TEXT' },
    });
    expect(JSON.stringify([fields, text])).not.toContain('jane.roe');
  });

  it('writes a line without an error as the client words it', () => {
    expect(clientLogLine({ module: 'Config', message: 'unknown setting' })).toEqual([
      {},
      'Config: unknown setting',
    ]);
  });
});
