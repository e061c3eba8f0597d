// A digest sent by an API without PUBLIC_URL carries a link to http://localhost:<PORT>, which no
// recipient can open from elsewhere: the send says so in the log, naming the setting to fix it.
// A real SMTP server (smtp-server) takes the mail; the API runs in this process on a real
// embedded store, without Redis.

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { gqlData, mintKey } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';
import { startTestSmtp, type TestSmtp } from './support/smtp.js';

describe('a digest sent without PUBLIC_URL', () => {
  let smtp: TestSmtp;
  const warnings: string[] = [];

  beforeAll(async () => {
    smtp = await startTestSmtp();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await smtp?.close();
  });
  const api = inProcessApiForSuite('digest-no-public-url', ADMIN_KEY, () => ({
    SMTP_URL: smtp.url,
    CHROMIUM_PATH: '/nonexistent/chromium',
    ALERT_EVALUATE_EVERY_MS: '0',
  }));

  it('warns that its link points to localhost, naming PUBLIC_URL', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'no-public-url', ['READ']);
    await gqlData(
      api.url,
      key,
      'mutation { setDigest(recipients: ["ceo@example.com"]) { schedule } }',
    );
    await gqlData(api.url, key, 'mutation { sendDigestNow }');
    const [mail] = smtp.mails;
    expect(mail?.parsed.text).toContain(`http://localhost:${api.port}/share/`);
    expect(warnings.filter((w) => w.startsWith('digest of tenant no-public-url'))).toEqual([
      expect.stringContaining(
        `PUBLIC_URL is not set, so its report link points to http://localhost:${api.port}`,
      ),
    ]);
  });
});
