import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/index.js';

let requestLogsMuted = false;

/**
 * Mutes (or restores) the one-line log of each HTTP request, e.g. while `causeway demo` loads its
 * program through the API: hundreds of its own requests would bury what it prints for a person.
 */
export function muteRequestLogs(muted: boolean): void {
  requestLogsMuted = muted;
}

/** Structured JSON logs; the Authorization header (an API key) is never written. */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
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
