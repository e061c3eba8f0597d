import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { join } from 'node:path';
import { AuditModule } from '../../libs/audit/index.js';
import { AuthModule } from '../../libs/auth/index.js';
import { BiModule } from '../../libs/bi/index.js';
import type { AppConfig } from '../../libs/config/index.js';
import { GRAPHQL_SCALARS } from '../../libs/graphql-fields/index.js';
import { HealthModule } from '../../libs/health/index.js';
import { IngestModule } from '../../libs/ingest/index.js';
import { LifecycleModule } from '../../libs/lifecycle/index.js';
import { AssignmentRollupModule, MeasuresModule } from '../../libs/measurement/index.js';
import { NotifyModule } from '../../libs/notify/index.js';
import {
  graphiqlEnabled,
  graphiqlLandingPage,
  graphqlLimits,
  LimitsModule,
  processImports,
} from '../../libs/platform/index.js';
import { ReferenceModule } from '../../libs/reference/index.js';
import { ReportsModule } from '../../libs/reports/index.js';
import { ResultCacheModule } from '../../libs/result-cache/index.js';
import { SegmentModule } from '../../libs/segment/index.js';
import { projectRoot } from '../../libs/storage/index.js';
import { TriggersModule } from '../../libs/triggers/index.js';

/** The API: HTTP ingest, GraphQL, health and metrics, over the libraries that do the work. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    const processors = config.queued && config.runsWorkersInProcess;
    // One ingest module for the app: the Segment endpoint writes through the same IngestService.
    const ingest = IngestModule.register({ api: true, processors });
    return {
      module: AppModule,
      imports: [
        ...processImports(config),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          // The schema is generated from the code; in development it is written to the committed
          // apps/api/schema.gql so that a change to the public contract shows in review (tests
          // leave the file alone: apps/api/schema.spec.ts compares it with the code).
          autoSchemaFile:
            config.env.NODE_ENV === 'development'
              ? join(projectRoot(), 'apps/api/schema.gql')
              : true,
          sortSchema: true,
          buildSchemaOptions: GRAPHQL_SCALARS,
          path: '/graphql',
          context: ({ req }: { req: unknown }) => ({ req }),
          introspection: true,
          // Nest's own GraphiQL page loads React and GraphiQL from a CDN; ours serves them itself.
          graphiql: false,
          plugins: [
            // Answers are kept by Causeway's own result cache (by data version), not by HTTP cache
            // hints; Apollo's cache-control plugin would wrap every field's resolver to collect
            // hints nothing reads (about a tenth of a small query's time on the API's thread).
            ApolloServerPluginCacheControlDisabled(),
            ...(graphiqlEnabled(config) ? [graphiqlLandingPage('/graphql')] : []),
          ],
          includeStacktraceInErrorResponses: false,
          // A resolver's error answers with its status (401, 403, 400, 503, ...), as HTTP routes do;
          // @nestjs/apollo would otherwise reset every execution error's status to 200.
          preserveHttpStatusForExecutionErrors: false,
          ...graphqlLimits(config),
        }),
        AuthModule,
        LimitsModule,
        ResultCacheModule,
        ingest,
        SegmentModule.register(ingest),
        HealthModule,
        ReferenceModule,
        TriggersModule,
        MeasuresModule,
        AssignmentRollupModule,
        ReportsModule.register({ api: true, processors }),
        BiModule,
        NotifyModule.register({
          api: true,
          processors,
          // without Redis this process is the only one; with Redis, the one running the processors
          schedules: !config.queued || config.runsWorkersInProcess,
        }),
        AuditModule,
        LifecycleModule,
      ],
    };
  }
}
