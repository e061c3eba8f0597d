import type { ApolloServerPlugin } from '@apollo/server';
import { Router, type RequestHandler } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AppConfig } from '../config/index.js';
import { projectRoot } from '../storage/index.js';

/** Where the page's scripts and styles are served from (the API's own origin). */
export const GRAPHIQL_ASSETS_PATH = '/graphiql';

/**
 * The only sources the page may load: its own origin, no inline script or style; GraphiQL's
 * stylesheet carries its fonts and icons inline as `data:` URLs, so those are allowed too.
 */
export const GRAPHIQL_CSP =
  "default-src 'self'; font-src 'self' data:; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** GraphiQL is offered outside production, as Nest does by default. */
export function graphiqlEnabled(config: AppConfig): boolean {
  return config.env.NODE_ENV !== 'production';
}

/**
 * Each file the page loads, by its public name: React and GraphiQL built for the browser, from the
 * project's own dependencies (so the page works offline), then the page's stylesheet and script.
 */
export function graphiqlAssets(): ReadonlyMap<string, string> {
  // The page's own files are read from the source tree, as the migrations are.
  const own = join(projectRoot(), 'libs/platform/graphiql');
  return new Map([
    ['react.js', join(packageDir('react'), 'umd/react.production.min.js')],
    ['react-dom.js', join(packageDir('react-dom'), 'umd/react-dom.production.min.js')],
    ['graphiql.js', join(packageDir('graphiql'), 'graphiql.min.js')],
    ['graphiql.css', join(packageDir('graphiql'), 'graphiql.min.css')],
    ['page.css', join(own, 'page.css')],
    ['start.js', join(own, 'start.js')],
  ]);
}

/** The GraphiQL page for the GraphQL endpoint at `url`. */
export function graphiqlPage(url: string): string {
  const asset = (name: string): string => `${GRAPHIQL_ASSETS_PATH}/${name}`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Causeway GraphiQL</title>
    <link rel="stylesheet" href="${asset('graphiql.css')}" />
    <link rel="stylesheet" href="${asset('page.css')}" />
  </head>
  <body>
    <div id="graphiql" data-url="${url}">Loading…</div>
    <script src="${asset('react.js')}"></script>
    <script src="${asset('react-dom.js')}"></script>
    <script src="${asset('graphiql.js')}"></script>
    <script src="${asset('start.js')}"></script>
  </body>
</html>
`;
}

/** Apollo's landing page at `GET /graphql` (a browser asking for HTML): GraphiQL, self-hosted. */
export function graphiqlLandingPage(url: string): ApolloServerPlugin {
  const html = graphiqlPage(url);
  return {
    serverWillStart() {
      return Promise.resolve({ renderLandingPage: () => Promise.resolve({ html }) });
    },
  };
}

/**
 * The page's files under {@link GRAPHIQL_ASSETS_PATH}, each by its fixed name (nothing else of
 * node_modules is reachable), cached for a day; and the Content-Security-Policy of the page.
 */
export function graphiqlRoutes(): { assets: Router; policy: RequestHandler } {
  const assets = Router();
  for (const [name, file] of graphiqlAssets()) {
    assets.get(`/${name}`, (_req, res, next) => {
      res.setHeader('Content-Security-Policy', GRAPHIQL_CSP);
      res.sendFile(file, { maxAge: '1d' }, (error) => {
        if (error) {
          next(error);
        }
      });
    });
  }
  const policy: RequestHandler = (req, res, next) => {
    if (req.method === 'GET') {
      res.setHeader('Content-Security-Policy', GRAPHIQL_CSP);
    }
    next();
  };
  return { assets, policy };
}
