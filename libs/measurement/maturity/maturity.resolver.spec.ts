import { describe, expect, it } from '@jest/globals';
import { fieldSignature, ownTypes, schemaOf, undocumentedParts } from '../../testing/index.js';
import { AttributionResolver } from '../attribution/attribution.resolver.js';
import { TimelineResolver } from '../timeline/timeline.resolver.js';
import { MaturityResolver } from './maturity.resolver.js';

describe('schema of maturity, attribution and personTimeline', () => {
  it('has the design signatures (extended), every type, field and argument described', async () => {
    const schema = await schemaOf([MaturityResolver, AttributionResolver, TimelineResolver]);
    expect(fieldSignature(schema, 'Query', 'maturity')).toBe(
      'maturity(from: DateTime!, to: DateTime!): MaturityAssessment!',
    );
    expect(fieldSignature(schema, 'Query', 'attribution')).toBe(
      'attribution(from: DateTime!, to: DateTime!, model: AttributionModel!, halfLifeMs: Float, revenueCap: RevenueCapInput): [TriggerAttribution!]!',
    );
    expect(fieldSignature(schema, 'Query', 'personTimeline')).toBe(
      'personTimeline(personId: ID!, from: DateTime, to: DateTime, limit: Int): [TimelineEntry!]!',
    );
    expect(undocumentedParts(schema)).toEqual([]);
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
});
