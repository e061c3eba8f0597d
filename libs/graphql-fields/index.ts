// Public entry of libs/graphql-fields: one-line shorthands of Nest's @Field for the scalar types,
// with the description every field of the public schema carries.
export * from './date-time.scalar.js';
export * from './fields.js';
