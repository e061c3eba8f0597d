import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { routeLabel } from './request-metrics.middleware.js';

const request = (parts: Partial<Request>) => parts as Request;

describe('routeLabel', () => {
  it('labels GraphQL, not-found and routed requests apart, never by raw URL', () => {
    expect(routeLabel(request({ originalUrl: '/graphql', url: '/graphql' }), 200)).toBe('/graphql');
    expect(routeLabel(request({ originalUrl: '/graphql?x=1', url: '/' }), 400)).toBe('/graphql');
    expect(routeLabel(request({ originalUrl: '/no/such/page', url: '/no/such/page' }), 404)).toBe(
      'not_found',
    );
    expect(
      routeLabel(
        request({ originalUrl: '/v1/ingest/x', route: { path: '/v1/ingest/:stream' } }),
        200,
      ),
    ).toBe('/v1/ingest/:stream');
    expect(routeLabel(request({ originalUrl: '/odd', url: '/odd' }), 500)).toBe('unmatched');
    // Apollo and the not-found handler sit behind a catch-all route
    const splat = { path: '{/*splat}' };
    expect(routeLabel(request({ originalUrl: '/graphql', route: splat }), 200)).toBe('/graphql');
    expect(routeLabel(request({ originalUrl: '/nope', route: splat }), 404)).toBe('not_found');
  });
});
