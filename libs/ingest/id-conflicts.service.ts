import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { pageProblem, periodProblem } from '../errors/index.js';
import { ClickHouseService, dateFromClickHouse, toClickHouseTime } from '../storage/index.js';
import { IngestErrorCode, IngestException } from './ingest.exception.js';
import type { StreamName } from './streams.js';

/** The most ids `idConflicts` answers in one page. */
export const MAX_ID_CONFLICTS_LISTED = 1000;

/** Which conflicting ids to list: of one stream, and whose latest copy arrived in [from, to). */
export interface IdConflictFilter {
  stream?: StreamName;
  from?: Date | null;
  to?: Date | null;
  limit: number;
  offset: number;
}

/** An id stored with more than one content (see IdConflict). */
export interface IdConflictRow {
  stream: string;
  id: string;
  contents: number;
  copies: number;
  firstReceivedAt: Date;
  lastReceivedAt: Date;
}

const conflictRow = z.object({
  stream: z.string(),
  id: z.string(),
  contents: z.number(),
  copies: z.number(),
  first_at: z.string(),
  last_at: z.string(),
});

/**
 * The ids of a tenant stored with more than one content (docs/design.md §5), read from
 * id_contents (migration 0107), which the engine fills as every stream row is inserted.
 */
@Injectable()
export class IdConflictsService {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /** A page of the tenant's conflicting ids, the latest arrival first. */
  async list(tenantId: string, filter: IdConflictFilter): Promise<IdConflictRow[]> {
    const problem =
      pageProblem({ limit: filter.limit, offset: filter.offset }, MAX_ID_CONFLICTS_LISTED) ??
      periodProblem(filter);
    if (problem !== undefined) {
      throw new IngestException(IngestErrorCode.InvalidRequest, problem);
    }
    const rows = await this.clickhouse.query({
      tag: 'ingest.id_conflicts',
      // One pass over the tenant's ids in the table's order (optimize_aggregation_in_order): its
      // rows not yet merged are added up, each content counted once.
      sql: `SELECT stream, id, uniqExact(content_hash) AS contents, sum(copies) AS copies,
              toString(min(first_received_at)) AS first_at,
              toString(max(last_received_at)) AS last_at
            FROM id_contents
            WHERE tenant_id = {tenantId:String}
              AND ({stream:String} = '' OR stream = {stream:String})
            GROUP BY stream, id
            -- the ids of more than one content, whose latest copy arrived in the period
            HAVING min(content_hash) != max(content_hash)
              AND max(last_received_at) >= {from:DateTime64(3, 'UTC')}
              AND max(last_received_at) < {to:DateTime64(3, 'UTC')}
            ORDER BY max(last_received_at) DESC, stream, id
            LIMIT {limit:UInt32} OFFSET {offset:UInt64}
            SETTINGS optimize_aggregation_in_order = 1`,
      params: {
        tenantId,
        stream: filter.stream ?? '',
        from: toClickHouseTime((filter.from ?? new Date(0)).getTime()),
        to: toClickHouseTime((filter.to ?? new Date(Date.UTC(2200, 0, 1))).getTime()),
        limit: filter.limit,
        offset: filter.offset,
      },
      row: conflictRow,
    });
    return rows.map((r) => ({
      stream: r.stream,
      id: r.id,
      contents: r.contents,
      copies: r.copies,
      firstReceivedAt: dateFromClickHouse(r.first_at),
      lastReceivedAt: dateFromClickHouse(r.last_at),
    }));
  }
}
