import { describe, expect, it } from '@jest/globals';
import { schemaOf, undocumented } from '../../testing/index.js';
import { SuppressionResolver } from './suppression.resolver.js';

describe('SuppressionResolver schema', () => {
  it('exposes suppressionAudit with the design signature, every part described', async () => {
    const schema = await schemaOf([SuppressionResolver]);
    const field = schema.getQueryType()!.getFields().suppressionAudit;
    expect(field.type.toString()).toBe('[SuppressionSummary!]!');
    expect(field.args.map((a) => `${a.name}: ${a.type.toString()}`)).toEqual([
      'from: DateTime!',
      'to: DateTime!',
      'triggerIds: [ID!]',
    ]);
    expect(field.description).toBeTruthy();
    expect(
      undocumented(schema.getQueryType()!).filter((name) => name.includes('suppressionAudit')),
    ).toEqual([]);
    expect(['SuppressionSummary'].flatMap((name) => undocumented(schema.getType(name)!))).toEqual(
      [],
    );
  });
});
