import { describe, expect, it } from '@jest/globals';
import { fieldSignature, ownTypes, schemaOf, undocumented } from '../../testing/index.js';
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
    const roots = [schema.getQueryType()!];
    expect(roots.flatMap((root) => undocumented(root).filter((n) => n.includes('.')))).toEqual([]);
    const own = ownTypes(roots);
    expect(own.map((t) => t.name).sort()).toEqual([
      'AttributionModel',
      'Evidence',
      'MaturityAssessment',
      'RevenueCapInput',
      'TimelineEntry',
      'TriggerAttribution',
    ]);
    expect(own.flatMap(undocumented)).toEqual([]);
  });
});
