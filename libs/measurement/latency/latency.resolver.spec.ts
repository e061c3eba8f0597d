import { describe, expect, it } from '@jest/globals';
import { fieldSignature, schemaOf, undocumentedParts } from '../../testing/index.js';
import { isObjectType, printType } from 'graphql';
import { LatencyResolver } from './latency.resolver.js';

describe('LatencyResolver schema', () => {
  it('exposes triggerLatency with the design signature, every part described', async () => {
    const schema = await schemaOf([LatencyResolver]);
    expect(fieldSignature(schema, 'Query', 'triggerLatency')).toBe(
      'triggerLatency(from: DateTime!, to: DateTime!, triggerIds: [ID!], groupBy: [LatencyDimension!]): [LatencyStats!]!',
    );
    expect(undocumentedParts(schema)).toEqual([]);
    expect(printType(schema.getType('LatencyDimension')!)).toContain('CHANNEL');
    const stats = schema.getType('LatencyStats');
    expect(isObjectType(stats) && Object.keys(stats.getFields()).sort()).toEqual(
      [
        'triggerId',
        'channel',
        'day',
        'firings',
        'noSignalTime',
        'p50Ms',
        'p90Ms',
        'p95Ms',
        'p99Ms',
        'maxMs',
        'signalToDecisionP50Ms',
        'decisionToDeliveryP50Ms',
        'windowMs',
        'withinWindowRate',
        'expired',
      ].sort(),
    );
  });
});
