/** Small HTTP helpers for end-to-end tests: GraphQL operations and NDJSON ingest. */

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; causewayCode?: string } }[];
}

/**
 * fetch, sent once more when the server had closed the kept-alive socket it went out on: a test
 * that computes its expectation for longer than the server keeps an idle connection (5 s, on a
 * loaded machine) finds the socket closed under its next request, which the server never read.
 */
async function post(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = error instanceof TypeError ? (error.cause as Error | undefined) : undefined;
    if (cause?.message !== 'other side closed') {
      throw error;
    }
    return fetch(url, init);
  }
}

export async function graphql<T = Record<string, unknown>>(
  url: string,
  key: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T> & { status: number }> {
  const response = await post(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { ...body, status: response.status };
}

/** Runs a GraphQL operation and fails loudly on errors. */
export async function gqlData<T = Record<string, unknown>>(
  url: string,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await graphql<T>(url, key, query, variables);
  if (result.errors !== undefined || result.data === undefined) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

export interface IngestAnswer {
  accepted: number;
  rejected: number;
  duplicates: number;
  errors: { line: number; field: string; message: string }[];
}

/** Rows as an NDJSON body: one JSON object a line, the last line ended too. */
export const ndjson = (rows: readonly object[]): string =>
  rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

export async function postIngest(
  url: string,
  key: string | undefined,
  stream: string,
  body: string,
  contentType = 'application/x-ndjson',
): Promise<{
  status: number;
  body: IngestAnswer & { message?: string; error?: string };
  headers: Headers;
}> {
  const response = await fetch(`${url}/v1/ingest/${stream}`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as IngestAnswer,
    headers: response.headers,
  };
}

export async function mintKey(
  url: string,
  adminKey: string,
  tenantId: string,
  scopes: string[],
): Promise<string> {
  const data = await gqlData<{ createApiKey: { key: string } }>(
    url,
    adminKey,
    `mutation($tenantId: ID!, $scopes: [Scope!]!) { createApiKey(tenantId: $tenantId, scopes: $scopes) { key } }`,
    { tenantId, scopes },
  );
  return data.createApiKey.key;
}

/** Rows stored per stream for the key's tenant, each id once (the storedRows query). */
export async function storedRows(url: string, key: string): Promise<Record<string, number>> {
  const data = await gqlData<{ storedRows: { stream: string; rows: number }[] }>(
    url,
    key,
    '{ storedRows { stream rows } }',
  );
  return Object.fromEntries(data.storedRows.map((r) => [r.stream, r.rows]));
}
