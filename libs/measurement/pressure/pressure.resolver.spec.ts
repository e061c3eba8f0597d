import { describe, expect, it } from '@jest/globals';
import { schemaOf, undocumented } from '../../testing/index.js';
import { PressureResolver } from './pressure.resolver.js';

describe('PressureResolver schema', () => {
  it('exposes messagePressure with the design signature, every part described', async () => {
    const schema = await schemaOf([PressureResolver]);
    const field = schema.getQueryType()!.getFields().messagePressure;
    expect(field.type.toString()).toBe('PressureReport!');
    expect(field.args.map((a) => `${a.name}: ${a.type.toString()}`)).toEqual([
      'from: DateTime!',
      'to: DateTime!',
    ]);
    expect(field.description).toBeTruthy();
    expect(
      undocumented(schema.getQueryType()!).filter((name) => name.includes('messagePressure')),
    ).toEqual([]);
    expect(
      ['PressureReport', 'PressureBucket', 'PressureLevel'].flatMap((name) =>
        undocumented(schema.getType(name)!),
      ),
    ).toEqual([]);
  });
});
