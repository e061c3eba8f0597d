import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './address-guard.js';

/** The answer to one POST, or why there was none. */
export type SendResult =
  | { ok: true; status: number }
  | {
      ok: false;
      status: number | null;
      error: string;
      /** The receiver's Retry-After header, as sent (a 429 or 503 asking to wait). */
      retryAfter?: string;
    };

/** Longest Retry-After kept: a number of seconds or an HTTP date is far shorter. */
const MAX_RETRY_AFTER_CHARS = 64;

/** The Retry-After of an answer that asks a client to wait (429 Too Many Requests, 503). */
function retryAfterOf(response: IncomingMessage, status: number): { retryAfter?: string } {
  const header = response.headers['retry-after'];
  if ((status !== 429 && status !== 503) || header === undefined) {
    return {};
  }
  return { retryAfter: header.trim().slice(0, MAX_RETRY_AFTER_CHARS) };
}

/** Longest part of a receiver's answer read (enough for an error line; the rest is dropped). */
const MAX_ANSWER_BYTES = 4096;

/**
 * A lookup that answers with the address already checked, whatever DNS says now: the connection
 * goes where the SSRF check looked (no second resolution an attacker could rebind).
 */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (_host, options, callback) => {
    if (options.all === true) {
      callback(null, [{ address: target.address, family: target.family }]);
      return;
    }
    callback(null, target.address, target.family);
  };
}

/**
 * POSTs a body to a checked target: pinned to its checked address, TLS checked against the host
 * name, redirects not followed (a 3xx is a failure), the whole exchange bounded by `timeoutMs`.
 * A 2xx status is the receiver's acceptance: its body is not waited for, so a receiver that
 * answers 200 and keeps its connection open is not sent the message again.
 */
export function postJson(
  target: CheckedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    /** The status once the receiver's headers are in. */
    let answered: number | undefined;
    const finish = (result: SendResult) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
    };
    const req = request(
      target.url,
      {
        method: 'POST',
        lookup: pinnedLookup(target),
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Causeway-Webhooks/1',
          ...headers,
        },
        agent: false,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        answered = status;
        if (status >= 200 && status < 300) {
          finish({ ok: true, status });
          response.destroy();
          return;
        }
        let answer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (answer.length < MAX_ANSWER_BYTES) {
            answer += chunk;
          }
        });
        response.on('end', () => {
          if (status >= 300 && status < 400) {
            finish({
              ok: false,
              status,
              error: `redirect to ${response.headers.location ?? '?'} not followed`,
            });
          } else {
            finish({
              ok: false,
              status,
              error: `answered ${status} ${answer.slice(0, 200)}`.trim(),
              ...retryAfterOf(response, status),
            });
          }
        });
        response.on('error', (error) => finish({ ok: false, status, error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      finish(
        answered === undefined
          ? { ok: false, status: null, error: `no answer within ${timeoutMs} ms` }
          : {
              ok: false,
              status: answered,
              error: `answered ${answered}, its body unfinished within ${timeoutMs} ms`,
            },
      );
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish({ ok: false, status: null, error: error.message }));
    req.end(body);
  });
}
