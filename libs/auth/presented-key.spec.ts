import { describe, expect, it } from '@jest/globals';
import { presentedKey } from './presented-key.js';

const withHeader = (authorization?: string) => ({
  headers: authorization === undefined ? {} : { authorization },
});

describe('presentedKey', () => {
  it('reads a Bearer key', () => {
    expect(presentedKey(withHeader('Bearer cw_0123456789abcdef_secret'))).toBe(
      'cw_0123456789abcdef_secret',
    );
    expect(presentedKey(withHeader('bearer  spaced-key  '))).toBe('spaced-key');
  });

  it("reads Segment's Basic form: the write key as user name, the password empty", () => {
    // Segment's HTTP API docs: write key 'abc123' → 'abc123:' → 'YWJjMTIzOg=='
    expect(presentedKey(withHeader('Basic YWJjMTIzOg=='))).toBe('abc123');
  });

  it("reads RudderStack's documented headers, with an empty and with a quoted password", () => {
    // base64('1Xk5DChfJAol3xtW7qNnK1apo5p:') and base64('1Xk5DChfJAol3xtW7qNnK1a5p:""'), both
    // from RudderStack's HTTP API documentation
    expect(presentedKey(withHeader('Basic MVhrNURDaGZKQW9sM3h0VzdxTm5LMWFwbzVwOg=='))).toBe(
      '1Xk5DChfJAol3xtW7qNnK1apo5p',
    );
    expect(presentedKey(withHeader('Basic MVhrNURDaGZKQW9sM3h0VzdxTm5LMWE1cDoiIg=='))).toBe(
      '1Xk5DChfJAol3xtW7qNnK1a5p',
    );
  });

  it('reads a Basic key sent without the colon, as older SDKs did', () => {
    expect(presentedKey(withHeader(`Basic ${Buffer.from('abc123').toString('base64')}`))).toBe(
      'abc123',
    );
  });

  it('finds no key in an absent, empty or foreign header', () => {
    expect(presentedKey(withHeader())).toBeUndefined();
    expect(presentedKey(withHeader(`Basic ${Buffer.from(':pw').toString('base64')}`))).toBe(
      undefined,
    );
    expect(presentedKey(withHeader('Digest username="x"'))).toBeUndefined();
    expect(presentedKey(withHeader('Basic not base64!'))).toBeUndefined();
  });
});
