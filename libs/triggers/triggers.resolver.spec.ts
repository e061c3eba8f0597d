import { describe, expect, it } from '@jest/globals';
import { fieldSignature, ownTypes, schemaOf, undocumentedParts } from '../testing/index.js';
import { TriggersResolver } from './triggers.resolver.js';

describe('schema of triggers, triggerVersions and defineTrigger', () => {
  it('has the design signatures (extended), every type, field and argument described', async () => {
    const schema = await schemaOf([TriggersResolver]);
    expect(fieldSignature(schema, 'Query', 'triggers')).toBe(
      'triggers(status: TriggerStatus): [Trigger!]!',
    );
    expect(fieldSignature(schema, 'Query', 'triggerVersions')).toBe(
      'triggerVersions(triggerId: ID!): [Trigger!]!',
    );
    expect(fieldSignature(schema, 'Mutation', 'defineTrigger')).toBe(
      'defineTrigger(input: TriggerInput!): Trigger!',
    );
    expect(undocumentedParts(schema)).toEqual([]);
    expect(
      ownTypes([schema.getQueryType()!, schema.getMutationType()!])
        .map((t) => t.name)
        .sort(),
    ).toEqual([
      'FrequencyCapInput',
      'SuppressionInput',
      'Trigger',
      'TriggerInput',
      'TriggerStatus',
    ]);
  });
});
