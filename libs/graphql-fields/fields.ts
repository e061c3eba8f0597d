import { Field, Float, ID, Int, registerEnumType, type FieldOptions } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import type { GraphQLScalarType } from 'graphql';
import { DateTimeScalar } from './date-time.scalar.js';

/** What a field may say besides its type and its description: nullable, defaultValue, ... */
export type FieldExtras = Omit<FieldOptions, 'description' | 'type'>;

/** A field decorator of one scalar type, whose description comes first and is required. */
export type ScalarField = (description: string, extras?: FieldExtras) => PropertyDecorator;

/**
 * Nest's `@Field` for one scalar type, so that a documented field reads as one line:
 * `@IntField('Persons assigned to the arm.') persons!: number;` is
 * `@Field(() => Int, { description: 'Persons assigned to the arm.' })`.
 */
function scalarField(type: GraphQLScalarType | typeof String | typeof Boolean): ScalarField {
  return (description, extras = {}) => Field(() => type, { ...extras, description });
}

export const FloatField = scalarField(Float);
export const IntField = scalarField(Int);
export const IdField = scalarField(ID);
export const StringField = scalarField(String);
export const BoolField = scalarField(Boolean);
/** An instant, as the API's DateTime (ISO 8601 with a UTC offset). */
export const DateField = scalarField(DateTimeScalar);
/** Any JSON value (graphql-type-json's JSON scalar). */
export const JsonField = scalarField(GraphQLJSON);

/**
 * Nest's `registerEnumType` with a description for the type and one for each value, written as
 * `{ VALUE: 'What it means.' }`; the compiler asks for every value.
 */
export function registerDocumentedEnum<E extends Record<string, string>>(
  values: E,
  name: string,
  description: string,
  valueDescriptions: Record<keyof E, string>,
): void {
  const valuesMap = {} as Record<keyof E, { description: string }>;
  for (const value of Object.keys(valueDescriptions) as (keyof E)[]) {
    valuesMap[value] = { description: valueDescriptions[value] };
  }
  registerEnumType(values, { name, description, valuesMap });
}
