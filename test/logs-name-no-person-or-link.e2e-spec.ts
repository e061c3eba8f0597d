// What the API writes to its log at the default level (info: one line per request) names no
// person and holds no share link: refused rows, a person's timeline, an erasure and an opened share
// link leave neither the person's id, nor their e-mail, nor the link's token (a key to the report,
// of which the store keeps only a hash) in the log. Nor does a query string: a GraphQL GET, an
// export asked with a person's id or e-mail, a key sent as a parameter, or a page that referred
// to one, are logged with their path and the names of their parameters, not their values.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gqlData, mintKey, postIngest } from './support/client.js';
import { outputLines, startApi, type ApiProcess } from './support/processes.js';

const PERSON = 'cust-4711';
const MAIL = 'jane.roe@example.org';

describe('the request log at the default level', () => {
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    api = await startApi({ LOG_LEVEL: 'info' });
    key = await mintKey(api.url, api.adminKey, 'acme', ['INGEST', 'READ', 'ERASE']);
  });
  afterAll(async () => {
    await api.dispose();
  });

  /** The log's lines with `text`, once there are `count`. */
  const linesWith = (text: string, count: number) =>
    outputLines(api, count, (lines) => lines.filter((line) => line.includes(text)));

  it('names neither the person nor their e-mail, on refused rows, reads and an erasure', async () => {
    const row = { event_id: 's1', person_id: PERSON, type: 'view', properties: { email: MAIL } };
    const sent = await postIngest(
      api.url,
      key,
      'signals',
      `${JSON.stringify({ ...row, occurred_at: '2026-10-01T00:00:00Z' })}\n` +
        `${JSON.stringify({ ...row, event_id: 's2', occurred_at: 'yesterday' })}\n` +
        `{"event_id":"s3","person_id":"${PERSON}","properties":{"email":"${MAIL}"}\n`,
    );
    expect(sent.body).toMatchObject({ accepted: 1, rejected: 2 });
    await gqlData(api.url, key, `{ personTimeline(personId: "${PERSON}") { id } }`);
    await gqlData(api.url, key, `mutation { erasePerson(personId: "${PERSON}") { id } }`);
    // ingest, the timeline and the erasure, after the key's minting
    expect(await linesWith('request completed', 4)).toHaveLength(4);
    const log = api.output();
    expect(log).not.toContain(PERSON);
    expect(log).not.toContain(MAIL);
  });

  it('holds no share link token, opened or not found', async () => {
    const { createShareLink } = await gqlData<{ createShareLink: { url: string } }>(
      api.url,
      key,
      'mutation { createShareLink(resource: LIFT_REPORT, from: "2026-10-01T00:00:00Z", to: "2026-10-31T00:00:00Z") { url } }',
    );
    const token = createShareLink.url.split('/share/')[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await fetch(`${api.url}/share/${token}`)).status).toBe(200);
    const unknown = `${'A'.repeat(42)}B`;
    expect((await fetch(`${api.url}/share/${unknown}.pdf`)).status).toBe(404);
    // the lines of both requests are written, with the route they asked for
    const lines = await linesWith('"url":"/share/', 2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"url":"/share/[token]"');
    expect(lines[1]).toContain('"url":"/share/[token].pdf"');
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain(unknown);
    // the router opens the report whatever the case and with a trailing slash, and a page the
    // report referred to names it: the token is in none of their lines either
    for (const path of [`/share/${token}/`, `/SHARE/${token}`, `/Share/${token}.pdf/`]) {
      expect([path, (await fetch(`${api.url}${path}`)).status]).toEqual([path, 200]);
    }
    await fetch(`${api.url}/v1/streams`, { headers: { referer: `${api.url}/share/${token}` } });
    expect(await linesWith('[token]', 6)).toHaveLength(6);
    expect(api.output()).not.toContain(token);
  });

  it('holds no value of a query string, in the URL, its parsed parameters or the referring page', async () => {
    const query = `{ personTimeline(personId: "${PERSON}") { id } }`;
    const asked = [
      `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ email: MAIL }))}`,
      `/v1/export/signals?person_id=${PERSON}&email=${encodeURIComponent(MAIL)}&key=${key}`,
      `/v1/export/signals?filter[person]=${PERSON}&tag=${PERSON}&tag=${encodeURIComponent(MAIL)}`,
    ];
    for (const path of asked) {
      await fetch(`${api.url}${path}`, {
        headers: {
          authorization: `Bearer ${key}`,
          'apollo-require-preflight': 'true',
          referer: `${api.url}/graphql?query=${encodeURIComponent(query)}`,
        },
      });
    }
    const lines = [
      ...(await linesWith('"url":"/graphql?', 1)),
      ...(await linesWith('"url":"/v1/export/signals?', 2)),
    ];
    expect(lines).toHaveLength(3);
    // what was asked stays readable: the path and the parameters' names
    expect(lines[0]).toContain('"url":"/graphql?query=[redacted]&variables=[redacted]"');
    expect(lines[1]).toContain(
      '"url":"/v1/export/signals?person_id=[redacted]&email=[redacted]&key=[redacted]"',
    );
    const log = api.output();
    expect(log).not.toContain(PERSON);
    expect(log).not.toContain(MAIL);
    expect(log).not.toContain(encodeURIComponent(MAIL));
    expect(log).not.toContain(key);
  });
});
