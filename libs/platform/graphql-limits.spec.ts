import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, validate } from 'graphql';
import { loadConfig } from '../config/index.js';
import {
  assertOperationCost,
  FIELD_COST,
  graphqlLimits,
  operationCost,
  ROOT_FIELD_COST,
} from './graphql-limits.js';

const schema = buildSchema(`
  type Arm { persons: Int! rate: Float! }
  type Lift { triggerId: ID! treatment: Arm! holdout: Arm! }
  type Query { liftReport(from: String!): [Lift!]! storedRows: Int! }
`);

describe('GraphQL cost', () => {
  it('prices a top-level field at ROOT_FIELD_COST plus one per selected field', () => {
    const cost = operationCost(
      schema,
      parse('{ liftReport(from: "x") { triggerId treatment { persons rate } } }'),
    );
    expect(cost).toBe(ROOT_FIELD_COST + 4 * FIELD_COST);
  });

  it('prices aliases apart, so 300 aliased reports cost 300 reports', () => {
    const aliases = Array.from(
      { length: 300 },
      (_, i) => `r${i}: liftReport(from: "x") { triggerId }`,
    );
    const document = parse(`{ ${aliases.join(' ')} }`);
    expect(operationCost(schema, document)).toBe(300 * (ROOT_FIELD_COST + FIELD_COST));
    expect(() => assertOperationCost(schema, document, 1000)).toThrow(/GRAPHQL_MAX_COST/);
  });

  it('prices a document with variables by its variables each time it is asked', () => {
    const document = parse(
      'query Q($full: Boolean!) { liftReport(from: "x") { triggerId treatment @include(if: $full) { persons } } }',
    );
    const limit = ROOT_FIELD_COST + FIELD_COST;
    // the same document object, as Apollo hands it on every request of the same text
    expect(() => assertOperationCost(schema, document, limit, 'Q', { full: false })).not.toThrow();
    expect(() => assertOperationCost(schema, document, limit, 'Q', { full: true })).toThrow(
      /costs 53, more than the limit of 51/,
    );
    expect(() => assertOperationCost(schema, document, limit, 'Q', { full: false })).not.toThrow();
  });

  it('prices each operation of a variable-free document by its own fields', () => {
    const document = parse(
      'query Small { storedRows } query Large { a: storedRows b: storedRows c: storedRows }',
    );
    expect(() => assertOperationCost(schema, document, ROOT_FIELD_COST, 'Small')).not.toThrow();
    expect(() => assertOperationCost(schema, document, ROOT_FIELD_COST, 'Large')).toThrow(
      /costs 150/,
    );
    expect(() => assertOperationCost(schema, document, ROOT_FIELD_COST, 'Small')).not.toThrow();
    expect(() => assertOperationCost(schema, document, 3 * ROOT_FIELD_COST, 'Large')).not.toThrow();
  });

  it('does not charge introspection', () => {
    const document = parse('{ __schema { types { name fields { name } } } __typename }');
    expect(operationCost(schema, document)).toBe(0);
  });
});

describe('GraphQL depth', () => {
  it('refuses an operation deeper than GRAPHQL_MAX_DEPTH, introspection aside', () => {
    const rules = graphqlLimits(loadConfig({ GRAPHQL_MAX_DEPTH: '1' })).validationRules;
    const deep = validate(
      schema,
      parse('{ liftReport(from: "x") { treatment { persons } } }'),
      rules,
    );
    expect(deep.map((e) => e.message)).toEqual(["'' exceeds maximum operation depth of 1"]);
    expect(validate(schema, parse('{ liftReport(from: "x") { triggerId } }'), rules)).toEqual([]);
    expect(
      validate(
        schema,
        parse('{ __schema { types { fields { type { ofType { name } } } } } }'),
        rules,
      ),
    ).toEqual([]);
  });
});
