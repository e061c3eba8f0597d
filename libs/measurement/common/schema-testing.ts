import { Test } from '@nestjs/testing';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import {
  isEnumType,
  isInputObjectType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

/** The GraphQL schema the given resolvers generate, as the API would serve it (for tests). */
export async function schemaOf(
  resolvers: NonNullable<Parameters<GraphQLSchemaFactory['create']>[0]>,
): Promise<GraphQLSchema> {
  const moduleRef = await Test.createTestingModule({
    imports: [GraphQLSchemaBuilderModule],
  }).compile();
  return moduleRef.get(GraphQLSchemaFactory).create(resolvers);
}

/** Names of the type, fields (input fields too), arguments and enum values that lack a description. */
export function undocumented(type: GraphQLNamedType): string[] {
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
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!field.description) {
        missing.push(`${type.name}.${field.name}`);
      }
    }
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) {
      if (!value.description) {
        missing.push(`${type.name}.${value.name}`);
      }
    }
  }
  return missing;
}
