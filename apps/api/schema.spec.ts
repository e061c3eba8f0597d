import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GRAPHQL_SDL_FILE_HEADER } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { schemaOf, undocumentedParts } from '../../libs/testing/index.js';

const root = join(import.meta.dirname, '../..');

type ResolverClass = abstract new (...args: never[]) => unknown;

/** Every class a `*.resolver.ts` under libs/ exports whose name ends in Resolver. */
async function allResolvers(): Promise<ResolverClass[]> {
  const files = readdirSync(join(root, 'libs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.resolver.ts'))
    .sort();
  const resolvers: ResolverClass[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(root, 'libs', file)).href)) as Record<
      string,
      unknown
    >;
    for (const [name, value] of Object.entries(module)) {
      if (name.endsWith('Resolver') && typeof value === 'function') {
        resolvers.push(value as ResolverClass);
      }
    }
  }
  return resolvers;
}

// The committed apps/api/schema.gql is the public contract a reviewer reads: the API writes it
// when it starts outside production, and this spec fails when it and the code drift apart.
describe('the public GraphQL schema', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = lexicographicSortSchema(await schemaOf(await allResolvers()));
  });

  it('is the committed apps/api/schema.gql', () => {
    const committed = readFileSync(join(root, 'apps/api/schema.gql'), 'utf8');
    const body = committed.replace(/^(#.*\n)+\n/, '');
    expect(printSchema(schema)).toBe(body.trimEnd());
    // byte for byte as the API writes it on start (Nest's header, no newline after the last
    // line): a file that differs in a byte is rewritten by every `npm run demo` or `npm start`,
    // and shows as changed in a work tree where nobody changed it
    expect(committed === GRAPHQL_SDL_FILE_HEADER + printSchema(schema)).toBe(true);
  });

  it('describes every type, field, argument and enum value', () => {
    expect(undocumentedParts(schema)).toEqual([]);
  });
});
