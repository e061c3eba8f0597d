// The GraphQL schema a set of resolvers generates, and what of it lacks a description: the
// resolver specs use them to prove the schema documents every type, field, argument and value.
import { Test } from '@nestjs/testing';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { GRAPHQL_SCALARS } from '../graphql-fields/index.js';

/** The GraphQL schema the given resolvers generate, as the API would serve it (for tests). */
export async function schemaOf(
  resolvers: NonNullable<Parameters<GraphQLSchemaFactory['create']>[0]>,
): Promise<GraphQLSchema> {
  const moduleRef = await Test.createTestingModule({
    imports: [GraphQLSchemaBuilderModule],
  }).compile();
  return moduleRef.get(GraphQLSchemaFactory).create(resolvers, GRAPHQL_SCALARS);
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

/** A root field as the design (docs/design.md) writes it: `name(arg: Type, ...): Type`. */
export function fieldSignature(
  schema: GraphQLSchema,
  root: 'Query' | 'Mutation',
  name: string,
): string {
  const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
  const field = type?.getFields()[name];
  if (field === undefined) {
    throw new Error(`${root}.${name} is not in the schema`);
  }
  const args = field.args.map((a) => `${a.name}: ${a.type.toString()}`).join(', ');
  return `${name}(${args}): ${field.type.toString()}`;
}

// Scalars GraphQL or the API defines, not the resolvers under test.
const SHARED_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID', 'JSON', 'DateTime']);

/**
 * The types the fields of `roots` reach through their types, arguments and nested fields, but the
 * scalars every schema shares: the types the resolvers under test define.
 */
export function ownTypes(roots: readonly GraphQLObjectType[]): GraphQLNamedType[] {
  const named = new Set<GraphQLNamedType>();
  const visit = (type: GraphQLNamedType) => {
    if (named.has(type) || type.name.startsWith('__') || SHARED_SCALARS.has(type.name)) {
      return;
    }
    named.add(type);
    if (isObjectType(type) || isInputObjectType(type)) {
      const fields: readonly { type: GraphQLType }[] = Object.values(type.getFields());
      for (const field of fields) {
        visit(getNamedType(field.type));
      }
    }
  };
  for (const field of roots.flatMap((root) => Object.values(root.getFields()))) {
    visit(getNamedType(field.type));
    field.args.forEach((arg) => visit(getNamedType(arg.type)));
  }
  return [...named];
}

/**
 * What the root fields of the schema (their own descriptions and their arguments') and every type
 * they reach leave undescribed: empty when the schema documents itself.
 */
export function undocumentedParts(schema: GraphQLSchema): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType()].filter(
    (root): root is GraphQLObjectType => root !== null && root !== undefined,
  );
  return [
    ...roots.flatMap((root) => undocumented(root).filter((name) => name.includes('.'))),
    ...ownTypes(roots).flatMap(undocumented),
  ];
}
