import { describe, expect, it } from '@jest/globals';
import { parseExpiry, scopeNames } from './keys.js';

describe('causeway keys create --expires', () => {
  const now = Date.UTC(2026, 11, 3, 12, 0, 0);

  it('reads a duration from now in days or hours', () => {
    expect(parseExpiry('90d', now)?.toISOString()).toBe('2027-03-03T12:00:00.000Z');
    expect(parseExpiry('12h', now)?.toISOString()).toBe('2026-12-04T00:00:00.000Z');
  });

  it('reads an ISO 8601 time, and nothing when the option is absent', () => {
    expect(parseExpiry('2027-01-31T00:00:00Z', now)?.toISOString()).toBe(
      '2027-01-31T00:00:00.000Z',
    );
    expect(parseExpiry(undefined, now)).toBeNull();
  });

  it('refuses anything else, naming the option', () => {
    expect(() => parseExpiry('soon', now)).toThrow(/--expires: "soon" is neither/);
    expect(() => parseExpiry('90m', now)).toThrow(/--expires/);
  });
});

describe('causeway keys create --scopes', () => {
  it('reads names separated by commas or spaces, in any case, once each', () => {
    expect(scopeNames('ingest,read')).toEqual(['INGEST', 'READ']);
    expect(scopeNames(' Read  ADMIN,read ')).toEqual(['READ', 'ADMIN']);
  });

  it('refuses none, naming the option', () => {
    expect(() => scopeNames(' , ')).toThrow(
      '--scopes: at least one scope is required (ingest, read, erase, admin)',
    );
  });
});
