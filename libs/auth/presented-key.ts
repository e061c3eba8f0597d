import type { IncomingHttpHeaders } from 'node:http';

/**
 * The API key a request presents: `Authorization: Bearer <key>`, or HTTP Basic with the key as the
 * user name (how Segment's and RudderStack's HTTP APIs and their SDKs send a write key). The Basic
 * password is ignored: the key is the whole secret, and producers send it empty (`key:`), as `""`
 * or, in older SDKs, leave the colon out. Undefined when the header carries neither.
 */
export function presentedKey(request: { headers: IncomingHttpHeaders }): string | undefined {
  const header = request.headers.authorization?.trim();
  if (header === undefined) {
    return undefined;
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer?.[1] !== undefined) {
    return bearer[1].trim();
  }
  const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(header);
  if (basic?.[1] === undefined) {
    return undefined;
  }
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = (colon === -1 ? decoded : decoded.slice(0, colon)).trim();
  return user === '' ? undefined : user;
}
