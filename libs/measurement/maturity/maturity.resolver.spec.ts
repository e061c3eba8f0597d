import { describe, expect, it } from '@jest/globals';
import { schemaOf, undocumented } from '../common/schema-testing.js';
import {
  getNamedType,
  isInputObjectType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLType,
  type GraphQLSchema,
} from 'graphql';
import { AttributionResolver } from '../attribution/attribution.resolver.js';
import { TimelineResolver } from '../timeline/timeline.resolver.js';
import { MaturityResolver } from './maturity.resolver.js';

const signature = (schema: GraphQLSchema, root: 'Query' | 'Mutation', name: string) => {
  const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
  const field = type!.getFields()[name];
  return `${name}(${field.args.map((a) => `${a.name}: ${a.type.toString()}`).join(', ')}): ${field.type.toString()}`;
};

describe('schema of maturity, attribution and personTimeline', () => {
  it('has the DESIGN signatures (extended), every type, field and argument described', async () => {
    const schema = await schemaOf([MaturityResolver, AttributionResolver, TimelineResolver]);
    expect(signature(schema, 'Query', 'maturity')).toBe(
      'maturity(from: DateTime!, to: DateTime!): MaturityAssessment!',
    );
    expect(signature(schema, 'Query', 'attribution')).toBe(
      'attribution(from: DateTime!, to: DateTime!, model: AttributionModel!, halfLifeMs: Float): [TriggerAttribution!]!',
    );
    expect(signature(schema, 'Query', 'personTimeline')).toBe(
      'personTimeline(personId: ID!, from: DateTime, to: DateTime, limit: Int): [TimelineEntry!]!',
    );
    const roots = [schema.getQueryType()!];
    const fields = roots.flatMap((root) => Object.values(root.getFields()));
    expect(roots.flatMap((root) => undocumented(root).filter((n) => n.includes('.')))).toEqual([]);
    const named = new Set<GraphQLNamedType>();
    const visit = (type: GraphQLNamedType) => {
      if (named.has(type) || type.name.startsWith('__') || type.name === 'DateTime') {
        return;
      }
      named.add(type);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          visit(getNamedType(field.type as GraphQLType));
        }
      }
    };
    for (const field of fields) {
      visit(getNamedType(field.type));
      field.args.forEach((arg) => visit(getNamedType(arg.type)));
    }
    const own = [...named].filter(
      (t) => !['String', 'Int', 'Float', 'Boolean', 'ID', 'JSON'].includes(t.name),
    );
    expect(own.map((t) => t.name).sort()).toEqual([
      'AttributionModel',
      'Evidence',
      'MaturityAssessment',
      'TimelineEntry',
      'TriggerAttribution',
    ]);
    expect(own.flatMap(undocumented)).toEqual([]);
  });
});
