import { describe, expect, it } from '@jest/globals';
import { graphql, GraphQLNonNull, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { DateTimeScalar } from './date-time.scalar.js';

// One field that answers the instant it was given, so each case reads what the scalar parsed.
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      echo: {
        type: DateTimeScalar,
        args: { at: { type: new GraphQLNonNull(DateTimeScalar) } },
        resolve: (_root, args: { at: Date }) => args.at,
      },
    },
  }),
});

async function asLiteral(text: string) {
  return graphql({ schema, source: `{ echo(at: ${JSON.stringify(text)}) }` });
}

async function asVariable(value: unknown) {
  return graphql({
    schema,
    source: 'query Echo($at: DateTime!) { echo(at: $at) }',
    variableValues: { at: value },
  });
}

describe('DateTime', () => {
  it.each([
    // the instant each names, written by hand at UTC
    ['2026-10-01T00:00:00Z', '2026-10-01T00:00:00.000Z'],
    ['2026-10-01T02:00:00+02:00', '2026-10-01T00:00:00.000Z'],
    ['2026-09-30T19:30:00-04:30', '2026-10-01T00:00:00.000Z'],
    ['2026-10-01T00:00:00.123456789Z', '2026-10-01T00:00:00.123Z'],
    ['2026-10-01T05:30:00+0530', '2026-10-01T00:00:00.000Z'],
    ['2026-10-01', '2026-10-01T00:00:00.000Z'],
    // as warehouses write an instant, as the ingest reads it
    ['2026-10-01 00:00:00.123456 UTC', '2026-10-01T00:00:00.123Z'],
    ['2026-09-30 17:00:00.000 -0700', '2026-10-01T00:00:00.000Z'],
    ['2026-10-01 02:00:00 +0200', '2026-10-01T00:00:00.000Z'],
    ['2026-10-01 02:00:00 +02:00', '2026-10-01T00:00:00.000Z'],
  ])('reads %s as %s, as a literal and as a variable', async (text, utc) => {
    expect((await asLiteral(text)).data).toEqual({ echo: utc });
    expect((await asVariable(text)).data).toEqual({ echo: utc });
  });

  it.each([
    ['2026-10-01T00:00:00', 'has no UTC offset'],
    ['2026-10-01 10:00', 'has no UTC offset'],
    ['2026-10', 'expected an ISO-8601 timestamp'],
    ['Oct 1 2026', 'expected an ISO-8601 timestamp'],
    ['2026-02-30T00:00:00Z', 'not a valid calendar date'],
    ['not a time', 'expected an ISO-8601 timestamp'],
    ['2026-10-01 00:00:00.123456', 'has no UTC offset'],
    ['2026-10-01 00:00:00 GMT', 'the time zone name GMT is not read'],
    // a `+` of a URL query read as a space: no sign, no offset
    ['2026-10-01 02:00:00 02:00', 'expected an ISO-8601 timestamp'],
  ])('refuses %s with BAD_USER_INPUT, saying why', async (text, why) => {
    for (const answer of [await asLiteral(text), await asVariable(text)]) {
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors?.[0]?.message).toContain(`${JSON.stringify(text)} is not a DateTime`);
      expect(answer.errors?.[0]?.message).toContain(why);
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        causewayCode: 'INVALID_DATE_TIME',
      });
    }
  });

  it.each([
    ['{ echo(at: "2026-10-01T00:00:00") }', 12],
    ['{ echo(at: 1790812800000) }', 12],
    ['{\n  echo(\n    at: "Oct 1 2026"\n  )\n}', 9],
  ])('points a refused literal at the value written in %j', async (source, column) => {
    const answer = await graphql({ schema, source });
    expect(answer.errors).toHaveLength(1);
    // where the value stands in the document, as every other validation error says it
    const line = source.slice(0, source.indexOf('at:')).split('\n').length;
    expect(answer.errors?.[0]?.locations).toEqual([{ line, column }]);
    expect(answer.errors?.[0]?.extensions?.causewayCode).toBe('INVALID_DATE_TIME');
  });

  it('refuses epoch milliseconds as text without offering them, and says what it reads', async () => {
    // the ingest reads epoch milliseconds, a DateTime does not: its refusal must not name them
    // as a form it expects
    for (const text of ['1790812800000', 'Oct 1 2026']) {
      for (const answer of [await asLiteral(text), await asVariable(text)]) {
        const message = answer.errors?.[0]?.message ?? '';
        expect(message).not.toContain('or epoch milliseconds');
        expect(message).toContain('expected an ISO-8601 timestamp with a UTC offset, or a date');
      }
    }
    expect((await asLiteral('1790812800000')).errors?.[0]?.message).toContain(
      'epoch milliseconds are not read here',
    );
  });

  it('refuses epoch milliseconds as a number: a DateTime is text', async () => {
    const answer = await asVariable(Date.UTC(2026, 9, 1));
    expect(answer.errors?.[0]?.message).toContain('ISO-8601 text with a UTC offset');
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
