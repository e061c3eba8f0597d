import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { EXPECTED_TIMESTAMP, parseIsoTime, type ParsedTime } from '../ingest/core.js';

const EXAMPLE = 'e.g. 2026-10-01T00:00:00Z or 2026-10-01T02:00:00+02:00';

// A value written in the document is refused with its place in it (graphql-js reports a scalar's
// own GraphQLError as it is, without the location it gives every other invalid value).
function refused(message: string, valueNode?: ValueNode): GraphQLError {
  return new GraphQLError(message, {
    nodes: valueNode,
    extensions: { code: 'BAD_USER_INPUT', causewayCode: 'INVALID_DATE_TIME' },
  });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An instant a query names (a DateTime argument, a `?from=`): ISO-8601 with `Z` or an offset (also
 * as warehouses write it, see parseIsoTime), or a bare date, read as the start of that day at UTC
 * (as `new Date` has always read one, and as the measures' days are UTC days). A time of day
 * without an offset is refused.
 */
export function parseQueryTime(text: string): ParsedTime {
  const parsed = parseIsoTime(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (parsed.ok || parsed.message !== EXPECTED_TIMESTAMP) {
    return parsed;
  }
  // the ingest's words offer epoch milliseconds, which a query time is not read from
  const expected = 'expected an ISO-8601 timestamp with a UTC offset, or a date';
  return {
    ok: false,
    message: /^\d+$/.test(text) ? `epoch milliseconds are not read here; ${expected}` : expected,
  };
}

function parse(value: unknown, valueNode?: ValueNode): Date {
  if (typeof value !== 'string') {
    throw refused(`a DateTime is ISO-8601 text with a UTC offset, ${EXAMPLE}`, valueNode);
  }
  const parsed = parseQueryTime(value);
  if (!parsed.ok) {
    throw refused(
      `${JSON.stringify(value)} is not a DateTime: ${parsed.message} (${EXAMPLE})`,
      valueNode,
    );
  }
  return new Date(parsed.ms);
}

/**
 * The API's `DateTime`, in place of Nest's: Nest's reads its text with `new Date(text)`, which
 * takes a time without an offset (`2026-10-01T00:00:00`) in the server's own time zone, so the
 * same query named another period on a machine in Berlin than on one at UTC, and it let through
 * text that is no time at all as an Invalid Date. Here a time is read as the ingest reads event
 * times (docs/design.md §5): ISO-8601 with `Z` or an offset, anything else refused with
 * `BAD_USER_INPUT`. Answers are written at UTC, as before.
 */
export const DateTimeScalar = new GraphQLScalarType<Date | null, string | null>({
  name: 'DateTime',
  description:
    'An instant as ISO-8601 text with a UTC offset, such as 2026-10-01T00:00:00Z or 2026-10-01T02:00:00+02:00 (or as warehouses write it, with a space before the offset or UTC for Z: 2026-10-01 02:00:00 +0200, 2026-10-01 00:00:00 UTC), or a date (2026-10-01: the start of that day at UTC). A time of day without an offset is refused: it names another instant in every time zone. Answers are written at UTC.',
  parseValue: parse,
  parseLiteral(ast: ValueNode): Date {
    return parse(ast.kind === Kind.STRING ? ast.value : undefined, ast);
  },
  serialize(value: unknown): string | null {
    return value instanceof Date ? value.toISOString() : null;
  },
});

/** The schema builder's options that put `DateTimeScalar` behind every `Date` field and argument. */
export const GRAPHQL_SCALARS = { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] };
