import { describe, expect, it } from '@jest/globals';
import { fieldSignature, ownTypes, schemaOf, undocumented } from '../testing/index.js';
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
    const roots = [schema.getQueryType()!, schema.getMutationType()!];
    expect(roots.flatMap((root) => undocumented(root).filter((n) => n.includes('.')))).toEqual([]);
    const own = ownTypes(roots);
    expect(own.map((t) => t.name).sort()).toEqual([
      'FrequencyCapInput',
      'SuppressionInput',
      'Trigger',
      'TriggerInput',
      'TriggerStatus',
    ]);
    expect(own.flatMap(undocumented)).toEqual([]);
  });
});
