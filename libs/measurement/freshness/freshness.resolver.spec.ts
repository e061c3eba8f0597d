import { describe, expect, it } from '@jest/globals';
import { fieldSignature, schemaOf, undocumentedParts } from '../../testing/index.js';
import { isObjectType } from 'graphql';
import { FreshnessResolver } from './freshness.resolver.js';

describe('FreshnessResolver schema', () => {
  it('exposes signalFreshness with the design signature, every part described', async () => {
    const schema = await schemaOf([FreshnessResolver]);
    expect(fieldSignature(schema, 'Query', 'signalFreshness')).toBe(
      'signalFreshness(from: DateTime!, to: DateTime!): [FreshnessStats!]!',
    );
    expect(undocumentedParts(schema)).toEqual([]);
    const stats = schema.getType('FreshnessStats');
    if (!isObjectType(stats)) {
      throw new Error('FreshnessStats is not an object type');
    }
    const fields = Object.values(stats.getFields());
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
      stale: 'Boolean!',
    });
  });
});
