import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../auth/index.js';
import { IngestLimitError, type ParsedLine, type StreamName } from './core.js';
import { IngestService, MAX_REJECTED_ROWS_LISTED, type IngestResult } from './ingest.service.js';
import { IngestResultModel } from './models/ingest-result.model.js';
import { RejectedRow, StreamCount } from './models/rejected-row.model.js';
import { StreamEnum } from './stream.enum.js';

@Resolver()
export class IngestResolver {
  constructor(private readonly ingest: IngestService) {}

  @Mutation(() => IngestResultModel, {
    name: 'ingest',
    description:
      'Ingests rows of one stream (INGEST scope). Same rules as POST /v1/ingest/{stream}: bad rows are answered by position and kept; the rest are stored.',
  })
  @RequireScope(Scope.INGEST)
  ingestRows(
    @CurrentPrincipal() principal: Principal,
    @Args('stream', { type: () => StreamEnum, description: 'The stream the rows go to.' })
    stream: StreamName,
    @Args('rows', { type: () => [GraphQLJSON], description: 'One JSON object per row.' })
    rows: unknown[],
  ): Promise<IngestResult> {
    if (rows.length > this.ingest.limits.maxRows) {
      throw new IngestLimitError('rows', this.ingest.limits.maxRows);
    }
    const lines: ParsedLine[] = rows.map((value, index) => ({
      line: index + 1,
      raw: JSON.stringify(value) ?? 'null',
      value,
    }));
    return this.ingest.ingest(principal, stream, lines);
  }

  @Query(() => [RejectedRow], {
    description:
      'Rejected input lines of the tenant, newest first, with raw text and reason (READ scope).',
  })
  @RequireScope(Scope.READ)
  rejectedRows(
    @CurrentPrincipal() principal: Principal,
    @Args('stream', {
      type: () => StreamEnum,
      nullable: true,
      description: 'Only the rows rejected from this stream (default: every stream).',
    })
    stream: StreamName | undefined,
    @Args('limit', {
      type: () => Int,
      nullable: true,
      defaultValue: 100,
      description: `Rows in the page, 1 to ${MAX_REJECTED_ROWS_LISTED} (a larger limit is refused: page with offset).`,
    })
    limit: number | null,
    @Args('offset', {
      type: () => Int,
      nullable: true,
      defaultValue: 0,
      description: 'Rows to skip, for the next page (the order is stable: newest first).',
    })
    offset: number | null,
  ) {
    return this.ingest.rejectedRows(
      principal.tenantId,
      stream ?? undefined,
      limit ?? 100,
      offset ?? 0,
    );
  }

  @Query(() => [StreamCount], {
    description: 'Rows stored per stream for the tenant, each id once (READ scope).',
  })
  @RequireScope(Scope.READ)
  storedRows(@CurrentPrincipal() principal: Principal) {
    return this.ingest.storedRows(principal.tenantId);
  }
}
