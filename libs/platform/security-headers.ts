import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The protective headers every answer of the API carries, set by helmet before any route runs:
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `Cross-Origin-Opener-Policy`
 * and `Cross-Origin-Resource-Policy: same-origin`, `Origin-Agent-Cluster`, and no `X-Powered-By`
 * naming the framework. Three of helmet's defaults are left out, each for a reason:
 * - `Content-Security-Policy`: the API's answers (JSON, CSV, PDF, errors) are not pages; the
 *   pages meant for a browser (GraphiQL, the lift report, share links) set a policy of their own;
 * - `Strict-Transport-Security`: TLS ends in front of the API (a load balancer or proxy), which
 *   alone knows whether the site is HTTPS-only, so the header belongs there;
 * - `X-Frame-Options`: the report pages stay embeddable in a wiki or a dashboard, as they were;
 *   GraphiQL forbids framing with its own policy (`frame-ancestors 'none'`).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: false,
    xFrameOptions: false,
  });
}
