import type { Params } from 'nestjs-pino';
import type { SerializedRequest } from 'pino';
import type { AppConfig } from '../config/index.js';

let requestLogsMuted = false;

/**
 * Mutes (or restores) the one-line log of each HTTP request, e.g. while `causeway demo` loads its
 * program through the API: hundreds of its own requests would bury what it prints for a person.
 */
export function muteRequestLogs(muted: boolean): void {
  requestLogsMuted = muted;
}

/** A share link's path: its token (a key to one report) and the `.pdf` that may follow it. */
const SHARE_PATH = /^(\/share\/)[^/?#]*?(\.pdf)?(?=[?#]|$)/;

/**
 * The request as logged, a share link's token left out: the store keeps only its hash, and a log
 * line holding it would open the report to whoever reads the log. The route's segments (`params`)
 * repeat the path, so they go too.
 */
function loggedRequest(request: SerializedRequest): SerializedRequest {
  const url = request.url.replace(SHARE_PATH, '$1[token]$2');
  return url === request.url ? request : { ...request, url, params: {} };
}

/**
 * Structured JSON logs; the Authorization header (an API key) and share link tokens are never
 * written.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
      serializers: { req: loggedRequest },
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
