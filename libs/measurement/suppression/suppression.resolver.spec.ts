import { describe, expect, it } from '@jest/globals';
import { fieldSignature, schemaOf, undocumentedParts } from '../../testing/index.js';
import { SuppressionResolver } from './suppression.resolver.js';

describe('SuppressionResolver schema', () => {
  it('exposes suppressionAudit with the design signature, every part described', async () => {
    const schema = await schemaOf([SuppressionResolver]);
    expect(fieldSignature(schema, 'Query', 'suppressionAudit')).toBe(
      'suppressionAudit(from: DateTime!, to: DateTime!, triggerIds: [ID!]): [SuppressionSummary!]!',
    );
    expect(undocumentedParts(schema)).toEqual([]);
  });
});
