import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { SuppressionResolver } from './suppression.resolver.js';

async function buildSchema(): Promise<GraphQLSchema> {
  const moduleRef = await Test.createTestingModule({
    imports: [GraphQLSchemaBuilderModule],
  }).compile();
  return moduleRef.get(GraphQLSchemaFactory).create([SuppressionResolver]);
}

/** Names of the type, fields and arguments that lack a description. */
function undocumented(type: GraphQLNamedType): string[] {
  const missing = type.description ? [] : [type.name];
  if (isObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!field.description) {
        missing.push(`${type.name}.${field.name}`);
      }
      for (const arg of field.args) {
        if (!arg.description) {
          missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
  }
  return missing;
}

describe('SuppressionResolver schema', () => {
  it('exposes suppressionAudit with the DESIGN signature, every part described', async () => {
    const schema = await buildSchema();
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
