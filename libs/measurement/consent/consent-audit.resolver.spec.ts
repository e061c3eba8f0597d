import { describe, expect, it } from '@jest/globals';
import { schemaOf, undocumented } from '../../testing/index.js';
import { ConsentAuditResolver } from './consent-audit.resolver.js';

describe('ConsentAuditResolver schema', () => {
  it('exposes consentAudit with the design signature, every part described', async () => {
    const schema = await schemaOf([ConsentAuditResolver]);
    const field = schema.getQueryType()!.getFields().consentAudit;
    expect(field.type.toString()).toBe('ConsentAudit!');
    expect(field.args.map((a) => `${a.name}: ${a.type.toString()}`)).toEqual([
      'from: DateTime!',
      'to: DateTime!',
    ]);
    expect(field.description).toBeTruthy();
    expect(
      undocumented(schema.getQueryType()!).filter((name) => name.includes('consentAudit')),
    ).toEqual([]);
    expect(
      ['ConsentAudit', 'ConsentTriggerStats', 'ConsentSourceLag'].flatMap((name) =>
        undocumented(schema.getType(name)!),
      ),
    ).toEqual([]);
  });
});
