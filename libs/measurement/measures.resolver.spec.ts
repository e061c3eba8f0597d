import { describe, expect, it } from '@jest/globals';
import { isObjectType, printType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { fieldSignature, ownTypes, schemaOf, undocumentedParts } from '../testing/index.js';
import { AttributionResolver } from './attribution/attribution.resolver.js';
import { ConsentAuditResolver } from './consent/consent-audit.resolver.js';
import { FreshnessResolver } from './freshness/freshness.resolver.js';
import { LatencyResolver } from './latency/latency.resolver.js';
import { MaturityResolver } from './maturity/maturity.resolver.js';
import { PressureResolver } from './pressure/pressure.resolver.js';
import { SuppressionResolver } from './suppression/suppression.resolver.js';
import { TimelineResolver } from './timeline/timeline.resolver.js';

// Expected signatures: docs/design.md's table of queries, as extended since.
describe('measure queries: the design signatures, every part described', () => {
  it.each([
    ['consentAudit(from: DateTime!, to: DateTime!): ConsentAudit!', ConsentAuditResolver],
    ['messagePressure(from: DateTime!, to: DateTime!): PressureReport!', PressureResolver],
    [
      'suppressionAudit(from: DateTime!, to: DateTime!, triggerIds: [ID!]): [SuppressionSummary!]!',
      SuppressionResolver,
    ],
    [
      'triggerLatency(from: DateTime!, to: DateTime!, triggerIds: [ID!], groupBy: [LatencyDimension!]): [LatencyStats!]!',
      LatencyResolver,
    ],
    ['signalFreshness(from: DateTime!, to: DateTime!): [FreshnessStats!]!', FreshnessResolver],
    ['maturity(from: DateTime!, to: DateTime!): MaturityAssessment!', MaturityResolver],
    [
      'attribution(from: DateTime!, to: DateTime!, model: AttributionModel!, halfLifeMs: Float, revenueCap: RevenueCapInput): [TriggerAttribution!]!',
      AttributionResolver,
    ],
    [
      'personTimeline(personId: ID!, from: DateTime, to: DateTime, limit: Int): [TimelineEntry!]!',
      TimelineResolver,
    ],
  ])('%s', async (signature, resolver) => {
    const schema = await schemaOf([resolver]);
    expect(fieldSignature(schema, 'Query', signature.slice(0, signature.indexOf('(')))).toBe(
      signature,
    );
    expect(undocumentedParts(schema)).toEqual([]);
  });
});

/** The object type of that name in the schema. */
function objectType(schema: GraphQLSchema, name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) {
    throw new Error(`${name} is not an object type`);
  }
  return type;
}

describe('measure types', () => {
  it('maturity, attribution and personTimeline define these types and no others', async () => {
    const schema = await schemaOf([MaturityResolver, AttributionResolver, TimelineResolver]);
    expect(
      ownTypes([schema.getQueryType()!])
        .map((t) => t.name)
        .sort(),
    ).toEqual([
      'AttributionModel',
      'Evidence',
      'MaturityAssessment',
      'RevenueCapInput',
      'TimelineEntry',
      'TriggerAttribution',
    ]);
  });

  it('LatencyStats has the figures of the design, split by LatencyDimension', async () => {
    const schema = await schemaOf([LatencyResolver]);
    expect(printType(schema.getType('LatencyDimension')!)).toContain('CHANNEL');
    const stats = objectType(schema, 'LatencyStats');
    expect(Object.keys(stats.getFields()).sort()).toEqual(
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

  it('FreshnessStats has the figures of the design, with their types', async () => {
    const schema = await schemaOf([FreshnessResolver]);
    const fields = Object.values(objectType(schema, 'FreshnessStats').getFields());
    expect(Object.fromEntries(fields.map((f) => [f.name, f.type.toString()]))).toEqual({
      type: 'String!',
      source: 'String!',
      kind: 'String!',
      signals: 'Int!',
      lagP50Ms: 'Float!',
      lagP90Ms: 'Float!',
      lagP99Ms: 'Float!',
      inputAgeP50Ms: 'Float',
      inputAgeP90Ms: 'Float',
      exceedsWindowOf: '[ID!]!',
      exceededWindows: '[ExceededWindow!]!',
      stale: 'Boolean!',
    });
  });
});
