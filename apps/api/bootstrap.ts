import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { json } from 'express';
import { Logger } from 'nestjs-pino';
import { ConfigError, type AppConfig } from '../../libs/config/index.js';
import { applyRetention } from '../../libs/lifecycle/index.js';
import { MetricsService } from '../../libs/observability/index.js';
import {
  enableGracefulShutdown,
  ErrorsFilter,
  GRAPHIQL_ASSETS_PATH,
  graphiqlEnabled,
  graphiqlRoutes,
  missingNodeFlags,
  requestMetrics,
  requestTimeout,
  securityHeaders,
} from '../../libs/platform/index.js';
import {
  ClickHouseService,
  DataDirectoryInUseError,
  Migrator,
  refuseHeldDirectory,
} from '../../libs/storage/index.js';
import { AppModule } from './app.module.js';

/**
 * Builds the API application: migrates the store, then wires HTTP. Every answer carries the
 * protective headers of securityHeaders. Ingest routes read their body as a stream (no global body
 * parser); GraphQL gets a JSON parser of its own. Every request gets a time budget that bounds its
 * ClickHouse queries; SIGTERM stops taking requests, lets those in flight finish and exits 0.
 */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  if (config.env.CLICKHOUSE_URL === undefined) {
    // before the framework starts: a directory another process holds is said in one line, not
    // amid the framework's start-up lines and its stack
    refuseHeldDirectory(resolve(config.env.CAUSEWAY_DATA_DIR));
  }
  const app = await NestFactory.create(AppModule.register(config), {
    bodyParser: false,
    bufferLogs: true,
    return503OnClosing: true,
    // A failed start throws (the caller exits non-zero with the reason) instead of exiting the
    // process from inside Nest, which would also end a test runner hosting the app.
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  const missing = missingNodeFlags(process.execArgv);
  if (missing.length > 0) {
    logger.log(
      `started without ${missing.join(' ')} (see README, Running it): ingest reads about a tenth less`,
    );
  }
  await new Migrator(app.get(ClickHouseService), undefined, config.env.CLICKHOUSE_CLUSTER).run();
  await applyRetention(app.get(ClickHouseService), config);
  app.use(securityHeaders());
  app.use(requestMetrics(app.get(MetricsService)));
  app.use('/graphql', json({ limit: '5mb' }));
  if (graphiqlEnabled(config)) {
    const graphiql = graphiqlRoutes();
    app.use(GRAPHIQL_ASSETS_PATH, graphiql.assets);
    app.use('/graphql', graphiql.policy);
  }
  // After the body parser: its callbacks would otherwise run outside the request's scope.
  app.use(requestTimeout(config.env.REQUEST_TIMEOUT_MS));
  app.useGlobalFilters(new ErrorsFilter(logger));
  enableGracefulShutdown(app, config.env.SHUTDOWN_TIMEOUT_MS, () =>
    logger.error(
      `shutdown took longer than ${config.env.SHUTDOWN_TIMEOUT_MS} ms (SHUTDOWN_TIMEOUT_MS); exiting with requests unfinished`,
    ),
  );
  return app;
}

/** The API's port is taken by another process (see listen). */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(port: number, host: string, cause?: unknown) {
    super(
      `port ${port} on ${host} is taken by another process (a Causeway already running, or another server): stop it, or set PORT to a free one (e.g. PORT=${port + 1})`,
      { cause },
    );
  }
}

/**
 * Refuses a taken PORT before the application starts, as refuseHeldDirectory does a held store:
 * found by listen only, it would come after the start-up's own work (schedules, builds), stopped
 * half-way. listen still refuses a port taken in between.
 */
export async function refuseTakenPort(config: AppConfig): Promise<void> {
  const { PORT, HOST } = config.env;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(PORT, HOST, error) : error),
    );
    probe.listen(PORT, HOST, () => probe.close(() => resolve()));
  });
}

/**
 * What the operator is told when the API cannot start for a reason of theirs to fix (the
 * configuration, a data directory another process holds, a taken port): the reason alone, in one
 * line; undefined for any other failure, whose stack is the useful part.
 */
export function startRefusal(error: unknown): string | undefined {
  const theirs =
    error instanceof ConfigError ||
    error instanceof DataDirectoryInUseError ||
    error instanceof PortInUseError;
  return theirs ? `causeway api: ${error.message}` : undefined;
}

/** How long an idle kept-alive connection stays open (see listen). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Starts listening and answers with the base URL. */
export async function listen(app: INestApplication, config: AppConfig): Promise<string> {
  const { PORT, HOST } = config.env;
  try {
    await app.listen(PORT, HOST);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      throw error;
    }
    // the first trap of a second demo, or of another server on 3000: say what to do
    throw new PortInUseError(PORT, HOST, error);
  }
  const server = app.getHttpServer() as Server;
  // An idle connection stays open 65 s (Node's default is 5 s): longer than the 60 s idle timeout
  // of common load balancers, so that the balancer closes first and never sends a request down a
  // socket the API has just closed, and a client that pauses between requests keeps its socket.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.env.PORT;
  return `http://localhost:${port}`;
}
