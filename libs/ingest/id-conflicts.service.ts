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
  first_received_at: z.string(),
  last_received_at: z.string(),
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
      sql: `SELECT stream, id, count() AS contents, sum(content_copies) AS copies,
              toString(min(content_first)) AS first_received_at,
              toString(max(content_last)) AS last_received_at
            FROM (
              -- each content of an id, its rows not yet merged added up
              SELECT stream, id, content_hash, sum(copies) AS content_copies,
                min(first_received_at) AS content_first, max(last_received_at) AS content_last
              FROM id_contents
              WHERE tenant_id = {tenantId:String}
                AND ({stream:String} = '' OR stream = {stream:String})
              GROUP BY stream, id, content_hash
            )
            -- the ids of more than one content, whose latest copy arrived in the period
            GROUP BY stream, id
            HAVING contents > 1
              AND max(content_last) >= {from:DateTime64(3, 'UTC')}
              AND max(content_last) < {to:DateTime64(3, 'UTC')}
            ORDER BY max(content_last) DESC, stream, id
            LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
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
      firstReceivedAt: dateFromClickHouse(r.first_received_at),
      lastReceivedAt: dateFromClickHouse(r.last_received_at),
    }));
  }
}
