import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, mintKey, ndjson, postIngest } from '../support/client.js';
import { startApi, type ApiProcess } from '../support/processes.js';
import { recordFigures } from './support/figures.js';
import { introspect, queryCalls, type FieldCall, type Schema } from './support/operations.js';
import {
  PERIOD,
  SHARED_PERSON,
  SHARED_TRIGGER,
  tenantProgram,
  type TenantProgram,
} from './support/tenant-data.js';

const SUITE = 'isolation';
const A = tenantProgram('aleak', 987654.25);
const B = tenantProgram('bown', 12.5);
/** Text that would only be in an answer to B if tenant A's rows reached it. */
const A_TRACES = [A.marker, String(A.amount), '987654'];

/** When the suite started: a run that spans midnight UTC stamps times of two days. */
const STARTED = new Date();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The ways an answer writes a day: ISO, and as the report and the PDF print it. */
function dayForms(at: Date): string[] {
  const month = MONTHS[at.getUTCMonth()];
  const day = at.getUTCDate();
  const year = at.getUTCFullYear();
  return [at.toISOString().slice(0, 10), `${day} ${month} ${year}`, `${month} ${day}, ${year}`];
}

/**
 * Times of the days the suite runs in (a report's "figures as of" stamp, a PDF's dates, a row's
 * arrival) are not content: the data is from October 2026, so "now" appears in no answer but as
 * such a stamp. Both the day the suite started and today count, so that a run across midnight
 * UTC reads the same answer the same way before and after it.
 */
function normalized(text: string): string {
  const days = [...new Set([...dayForms(STARTED), ...dayForms(new Date())])].join('|');
  return text
    .replaceAll(new RegExp(`(${days})(,? ?T?[0-9:.]+)?(Z| UTC)?`, 'g'), '<now>')
    .replaceAll(/D:\d{14}/g, '<now>');
}

function tracesOf(text: string, traces: string[]): string[] {
  return traces.filter((t) => text.includes(t));
}

/** Values of fields named `id` or `...Id` in a GraphQL answer. */
function idsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => idsIn(v, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (/(^id|Id)$/.test(k) && typeof v === 'string') {
        into.add(v);
      } else {
        idsIn(v, into);
      }
    }
  }
  return into;
}

/** The GET routes the API mapped at start (Nest logs each), less health and metrics. */
/**
 * Routes open without a key by design: health and metrics, the streams' JSON Schema (no tenant
 * data), and share links (their token is the credential; unknown tokens answer 404, tested in
 * share-links-open-without-a-key).
 */
const OPEN_ROUTES = ['/healthz', '/readyz', '/metrics', '/v1/streams'];

function mappedGetRoutes(output: string): string[] {
  const routes = [...output.matchAll(/Mapped \{([^,}]+), GET\} route/g)].map((m) => m[1]);
  return [...new Set(routes)].filter((r) => !OPEN_ROUTES.includes(r) && !r.startsWith('/share/'));
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

describe('tenant isolation: every Query field and every read route, asked by another tenant', () => {
  let api: ApiProcess;
  const keys: Record<'a' | 'b' | 'ingestOnly', string> = { a: '', b: '', ingestOnly: '' };
  let schema: Schema;
  let calls: FieldCall[];

  const load = async (key: string, program: TenantProgram) => {
    for (const [stream, rows] of Object.entries(program.streams)) {
      const answer = await postIngest(api.url, key, stream, ndjson(rows));
      expect([stream, answer.status, answer.body.rejected]).toEqual([stream, 200, 0]);
    }
    const bad = await postIngest(api.url, key, 'signals', `${program.rejectedLine}\n`);
    expect(bad.body.rejected).toBe(1);
  };
  const ask = async (key: string, call: FieldCall) => {
    const result = await graphql(api.url, key, call.document);
    return { ...result, text: JSON.stringify({ data: result.data, errors: result.errors }) };
  };
  const get = async (key: string, path: string): Promise<Answer> => {
    const response = await fetch(`${api.url}${path}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      text: bytes.toString('latin1'),
    };
  };

  /** Concrete GET requests for every mapped route: parameters from catalogs and from A's ids. */
  const routeRequests = async (aIds: string[]): Promise<string[]> => {
    const routes = mappedGetRoutes(api.output());
    const period = `from=${encodeURIComponent(PERIOD.from)}&to=${encodeURIComponent(PERIOD.to)}`;
    const requests: string[] = [];
    for (const route of routes) {
      const param = /:\w+/.exec(route)?.[0];
      let formats: string[] = [''];
      let candidates = aIds;
      if (param !== undefined) {
        const parent = route.slice(0, route.indexOf(param) - 1);
        const catalog = await get(keys.b, parent).catch(() => undefined);
        if (catalog?.status === 200 && catalog.type.includes('json')) {
          const listed = JSON.parse(catalog.text) as Record<string, unknown>;
          candidates = [...JSON.stringify(listed).matchAll(/"(?:name|id)":"([^"]+)"/g)]
            .map((m) => m[1])
            .concat(aIds);
          if (Array.isArray(listed.formats)) {
            formats = (listed.formats as string[]).map((f) => `&format=${f}`);
          }
        }
      }
      const fills =
        param === undefined
          ? [route]
          : candidates.map((c) => route.replace(param, encodeURIComponent(c)));
      for (const path of fills) {
        for (const format of formats) {
          requests.push(`${path}?${period}${format}`);
        }
      }
    }
    return requests;
  };

  beforeAll(async () => {
    // info-level logs carry Nest's route map, which the route checks below read
    api = await startApi({ LOG_LEVEL: 'info', RATE_LIMIT_QUERY: '0', RATE_LIMIT_INGEST: '0' });
    keys.a = await mintKey(api.url, api.adminKey, 'tenant-a', ['INGEST', 'READ']);
    keys.b = await mintKey(api.url, api.adminKey, 'tenant-b', ['INGEST', 'READ']);
    keys.ingestOnly = await mintKey(api.url, api.adminKey, 'tenant-b', ['INGEST']);
    schema = await introspect(api.url, keys.b);
    calls = queryCalls(schema, {
      ...PERIOD,
      idFor: (name) => (/person/i.test(name) ? SHARED_PERSON : SHARED_TRIGGER),
    });
    await load(keys.b, B);
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('answers tenant B the same before and after tenant A loads the same ids, and never with A’s data', async () => {
    const before = new Map<string, string>();
    for (const call of calls) {
      before.set(call.document, normalized((await ask(keys.b, call)).text));
    }
    const routes = await routeRequests([]);
    const routesBefore = new Map<string, Answer>();
    for (const path of routes) {
      routesBefore.set(path, await get(keys.b, path));
    }

    await load(keys.a, A);

    const answeredWithData: string[] = [];
    const beyondReadScope = new Set<string>();
    const leaks: string[] = [];
    for (const call of calls) {
      const after = await ask(keys.b, call);
      const text = normalized(after.text);
      if (text !== before.get(call.document)) {
        leaks.push(`${call.field} (${call.variant}): B's answer changed when A's data arrived`);
      }
      const traces = tracesOf(text, A_TRACES);
      if (traces.length > 0) {
        leaks.push(`${call.field} (${call.variant}): B's answer holds ${traces.join(', ')}`);
      }
      if (after.errors === undefined && after.data !== undefined) {
        answeredWithData.push(call.field);
      }
      if (after.errors?.[0]?.extensions?.code === 'AUTH_FORBIDDEN') {
        beyondReadScope.add(call.field); // ADMIN and ERASE fields: a READ key is refused them
      }
    }
    for (const path of routes) {
      const after = await get(keys.b, path);
      const was = routesBefore.get(path)!;
      const binary = /pdf|parquet|octet-stream/.test(after.type);
      if (
        after.status !== was.status ||
        (!binary && normalized(after.text) !== normalized(was.text))
      ) {
        leaks.push(`GET ${path}: B's answer changed when A's data arrived`);
      }
      if (!binary && tracesOf(after.text, A_TRACES).length > 0) {
        leaks.push(`GET ${path}: B's answer holds A's data`);
      }
    }
    expect(leaks).toEqual([]);

    // The calls reach the data: asked by A, the same calls show A's rows.
    const seenByA = new Set<string>();
    const aIds = new Set<string>();
    for (const call of calls) {
      const answer = await ask(keys.a, call);
      if (tracesOf(answer.text, A_TRACES).length > 0 || answer.text.includes(`${A.amount}`)) {
        seenByA.add(call.field);
      }
      idsIn(answer.data, aIds);
    }
    const fields = [...new Set(calls.map((c) => c.field))];
    const readable = fields.filter((f) => !beyondReadScope.has(f));
    expect(new Set(answeredWithData).size).toBeGreaterThanOrEqual(Math.ceil(readable.length * 0.8));
    expect(seenByA.size).toBeGreaterThanOrEqual(3);

    // B asking for A's own ids (a report snapshot, a trigger only A has) gets nothing of A's.
    const ownIds = [...aIds].filter((id) => id.includes(A.marker) || !/^[a-z]+-?\d*$/.test(id));
    const idLeaks: string[] = [];
    const idCalls = queryCalls(schema, {
      ...PERIOD,
      idFor: (name) =>
        /person/i.test(name) ? SHARED_PERSON : (ownIds[0] ?? `${A.marker}-own-trigger`),
    });
    for (const call of idCalls) {
      const answer = await graphql(api.url, keys.b, call.document);
      const traces = tracesOf(JSON.stringify(answer.data ?? null), A_TRACES);
      if (traces.length > 0) {
        idLeaks.push(`${call.field}: ${traces.join(', ')}`);
      }
    }
    const idRoutes = await routeRequests(ownIds.slice(0, 5));
    for (const path of idRoutes.filter((p) =>
      ownIds.some((id) => p.includes(encodeURIComponent(id))),
    )) {
      const answer = await get(keys.b, path);
      if (answer.status === 200 && tracesOf(answer.text, A_TRACES).length > 0) {
        idLeaks.push(`GET ${path}`);
      }
    }
    expect(idLeaks).toEqual([]);

    recordFigures(SUITE, (f) =>
      f.checks.push(
        `tenant isolation: ${fields.length} Query fields (${calls.length} calls, ${new Set(answeredWithData).size} answered with data; ${seenByA.size} show the owner's rows) and ${routes.length} read-route requests (${mappedGetRoutes(api.output()).join(', ') || 'none mapped'}) asked by another tenant before and after the owner's data arrived with the same ids: no change, no trace`,
      ),
    );
  });

  it('refuses every Query field and every read route to a key without READ, and to no key', async () => {
    const refused: string[] = [];
    for (const call of calls) {
      const missing = await graphql(api.url, undefined, call.document);
      const ingestOnly = await graphql(api.url, keys.ingestOnly, call.document);
      if (missing.errors?.[0]?.extensions?.causewayCode !== 'AUTH_MISSING_KEY') {
        refused.push(
          `${call.field} without a key: ${JSON.stringify(missing.errors ?? missing.data)}`,
        );
      }
      // a nullable field answers null beside its error: only a non-null value is data
      const answered = Object.values(ingestOnly.data ?? {}).some((value) => value !== null);
      if (ingestOnly.errors?.[0]?.extensions?.causewayCode !== 'AUTH_FORBIDDEN' || answered) {
        refused.push(
          `${call.field} with an INGEST key: ${JSON.stringify(ingestOnly.errors ?? ingestOnly.data)}`,
        );
      }
    }
    const routes = mappedGetRoutes(api.output());
    for (const route of routes) {
      const path = route.replaceAll(/:\w+/g, 'x');
      const missing = await fetch(`${api.url}${path}`);
      const ingestOnly = await fetch(`${api.url}${path}`, {
        headers: { authorization: `Bearer ${keys.ingestOnly}` },
      });
      if (missing.status !== 401 || ingestOnly.status !== 403) {
        refused.push(
          `GET ${path}: ${missing.status} without a key, ${ingestOnly.status} with an INGEST key`,
        );
      }
    }
    expect(refused).toEqual([]);
    recordFigures(SUITE, (f) =>
      f.checks.push(
        `scopes: ${new Set(calls.map((c) => c.field)).size} Query fields and ${routes.length} read routes refuse a missing key (401) and an INGEST-only key (403)`,
      ),
    );
  });
});
