import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/index.js';

/** Structured JSON logs; the Authorization header (an API key) is never written. */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
      customProps: () => ({ service: 'causeway' }),
    },
  };
}
