import type { Params } from 'nestjs-pino';
import type { LogFn, Logger, SerializedRequest } from 'pino';
import type { AppConfig } from '../config/index.js';
import { loggedFailure } from '../errors/index.js';

let requestLogsMuted = false;

/**
 * Mutes (or restores) the one-line log of each HTTP request, e.g. while `causeway demo` loads its
 * program through the API: hundreds of its own requests would bury what it prints for a person.
 */
export function muteRequestLogs(muted: boolean): void {
  requestLogsMuted = muted;
}

/**
 * A share link's path: its token (a key to one report) and the `.pdf` that may follow it. Matched
 * as the router matches it, whatever the case and with a trailing slash (`/SHARE/<token>.pdf/`
 * opens the report too), and in a page that referred to another (`https://host/share/<token>`).
 */
const SHARE_PATH = /^((?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/share\/)[^/?#]*?(\.pdf)?(?=[/?#]|$)/i;

const REDACTED = '[redacted]';

/**
 * `url` with each query parameter's value replaced (`?query={...}&key=abc` becomes
 * `?query=[redacted]&key=[redacted]`): a value may be a person's id, an e-mail or a key, while the
 * names say what was asked. A part without `=` may be a value alone, so it goes whole.
 */
function withoutQueryValues(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) {
    return url;
  }
  const parts = url
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals >= 0 ? `${part.slice(0, equals)}=${REDACTED}` : part && REDACTED;
    });
  return `${url.slice(0, start)}?${parts.join('&')}`;
}

/**
 * The request as logged: no value of its query string, in the URL, in the parameters parsed from
 * it or in the page that referred to it; and no share link's token (the store keeps only its hash,
 * and a log line holding it would open the report to whoever reads the log), whose route segments
 * (`params`) repeat the path and go too.
 */
function loggedRequest(request: SerializedRequest): SerializedRequest {
  const path = withoutQueryValues(request.url);
  const url = path.replace(SHARE_PATH, '$1[token]$2');
  const query = request.query as Record<string, unknown> | undefined;
  const { referer } = request.headers;
  return {
    ...request,
    url,
    query: Object.fromEntries(Object.keys(query ?? {}).map((name) => [name, REDACTED])),
    params: url === path ? request.params : {},
    headers:
      referer === undefined
        ? request.headers
        : {
            ...request.headers,
            referer: withoutQueryValues(referer).replace(SHARE_PATH, '$1[token]$2'),
          },
  };
}

/**
 * An error logged as it was thrown (by Nest's own handlers, a library, a line that forgot
 * loggedFailure): by what it is and where, never its message, which may quote a person's row. An
 * `err` that is already a LoggedFailure is written as it is.
 */
function loggedError(value: unknown): unknown {
  // pino-http hands its own serializer's copy, which keeps the error thrown as `raw`
  const raw = (value as { raw?: unknown } | null)?.raw;
  const thrown = raw instanceof Error ? raw : value;
  return thrown instanceof Error ? loggedFailure(thrown) : value;
}

/**
 * The text of a line that has none but an error: pino would write the error's message there. Its
 * type is written instead.
 */
function withText(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, ...rest] = args as [unknown, ...unknown[]];
  const err = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
  if (rest.length === 0 && err instanceof Error) {
    const fields = first instanceof Error ? { err } : (first as object);
    method.call(this, fields, loggedFailure(err).type);
    return;
  }
  method.apply(this, args);
}

/**
 * Structured JSON logs; the Authorization header (an API key) and share link tokens are never
 * written, nor an error's message.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
      serializers: { req: loggedRequest, err: loggedError },
      hooks: { logMethod: withText },
      autoLogging: {
        ignore: (req) =>
          requestLogsMuted ||
          req.url === '/healthz' ||
          req.url === '/readyz' ||
          req.url === '/metrics',
      },
      customProps: () => ({ service: 'causeway' }),
    },
  };
}
