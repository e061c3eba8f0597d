import { describe, expect, it } from '@jest/globals';
import { fieldSignature, schemaOf, undocumentedParts } from '../../testing/index.js';
import { ConsentAuditResolver } from './consent-audit.resolver.js';

describe('ConsentAuditResolver schema', () => {
  it('exposes consentAudit with the design signature, every part described', async () => {
    const schema = await schemaOf([ConsentAuditResolver]);
    expect(fieldSignature(schema, 'Query', 'consentAudit')).toBe(
      'consentAudit(from: DateTime!, to: DateTime!): ConsentAudit!',
    );
    expect(undocumentedParts(schema)).toEqual([]);
  });
});
