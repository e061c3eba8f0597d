import { beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLObjectType, isObjectType, printType, type GraphQLSchema } from 'graphql';
import { fieldSignature, ownTypes, schemaOf, undocumentedParts } from '../testing/index.js';
import { MeasuresResolver } from './measures.resolver.js';

let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await schemaOf([MeasuresResolver]);
});

// Expected signatures: docs/design.md's table of queries, as extended since.
describe('measure queries: the design signatures, every part described', () => {
  it.each([
    'consentAudit(from: DateTime!, to: DateTime!): ConsentAudit!',
    'messagePressure(from: DateTime!, to: DateTime!): PressureReport!',
    'suppressionAudit(from: DateTime!, to: DateTime!, triggerIds: [ID!]): [SuppressionSummary!]!',
    'triggerLatency(from: DateTime!, to: DateTime!, triggerIds: [ID!], groupBy: [LatencyDimension!]): [LatencyStats!]!',
    'signalFreshness(from: DateTime!, to: DateTime!): [FreshnessStats!]!',
    'maturity(from: DateTime!, to: DateTime!): MaturityAssessment!',
    'attribution(from: DateTime!, to: DateTime!, model: AttributionModel!, halfLifeMs: Float, revenueCap: RevenueCapInput): [TriggerAttribution!]!',
    'personTimeline(personId: ID!, from: DateTime, to: DateTime, limit: Int): [TimelineEntry!]!',
  ])('%s', (signature) => {
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

/** The schema's Query type cut down to the fields of those names. */
function queryFields(schema: GraphQLSchema, names: readonly string[]): GraphQLObjectType {
  const { fields, ...query } = schema.getQueryType()!.toConfig();
  return new GraphQLObjectType({
    ...query,
    fields: Object.fromEntries(names.map((name) => [name, fields[name]])),
  });
}

describe('measure types', () => {
  it('maturity, attribution and personTimeline define these types and no others', () => {
    expect(
      ownTypes([queryFields(schema, ['maturity', 'attribution', 'personTimeline'])])
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

  it('LatencyStats has the figures of the design, split by LatencyDimension', () => {
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

  it('FreshnessStats has the figures of the design, with their types', () => {
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
