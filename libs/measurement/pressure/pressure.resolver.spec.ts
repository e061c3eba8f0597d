import { describe, expect, it } from '@jest/globals';
import { fieldSignature, schemaOf, undocumentedParts } from '../../testing/index.js';
import { PressureResolver } from './pressure.resolver.js';

describe('PressureResolver schema', () => {
  it('exposes messagePressure with the design signature, every part described', async () => {
    const schema = await schemaOf([PressureResolver]);
    expect(fieldSignature(schema, 'Query', 'messagePressure')).toBe(
      'messagePressure(from: DateTime!, to: DateTime!): PressureReport!',
    );
    expect(undocumentedParts(schema)).toEqual([]);
  });
});
