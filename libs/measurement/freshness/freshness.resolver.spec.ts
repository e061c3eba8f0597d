import { describe, expect, it } from '@jest/globals';
import { schemaOf } from '../../testing/index.js';
import { isObjectType } from 'graphql';
import { FreshnessResolver } from './freshness.resolver.js';

describe('FreshnessResolver schema', () => {
  it('exposes signalFreshness with the design signature, every part described', async () => {
    const schema = await schemaOf([FreshnessResolver]);
    const field = schema.getQueryType()!.getFields().signalFreshness;
    expect(field.type.toString()).toBe('[FreshnessStats!]!');
    expect(field.args.map((a) => `${a.name}: ${a.type.toString()}`)).toEqual([
      'from: DateTime!',
      'to: DateTime!',
    ]);
    expect(field.description).toBeTruthy();
    expect(field.args.filter((a) => !a.description)).toEqual([]);

    const stats = schema.getType('FreshnessStats');
    if (!isObjectType(stats)) {
      throw new Error('FreshnessStats is not an object type');
    }
    expect(stats.description).toBeTruthy();
    const fields = Object.values(stats.getFields());
    expect(fields.filter((f) => !f.description).map((f) => f.name)).toEqual([]);
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
