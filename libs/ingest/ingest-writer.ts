import { Injectable } from '@nestjs/common';
import { ClickHouseService } from '../storage/index.js';
import type { IngestJobPayload } from './ingest.job.js';
import { tableOf } from './core.js';
import { StoredBatches } from './stored-batches.js';

/**
 * The one handler that stores a validated batch: called inline by the API, or by the BullMQ
 * processor. Safe to repeat: every table collapses rows with the same key, so a retried job
 * stores each row once.
 */
@Injectable()
export class IngestWriter {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly storedBatches: StoredBatches,
  ) {}

  async write(job: IngestJobPayload): Promise<void> {
    // Serialized here in one pass and handed to ClickHouse's own JSON parser as text: the client's
    // insert would stream the objects through an encoder per row.
    await this.clickhouse.insertRaw(
      tableOf[job.stream],
      job.rows.map((row) => JSON.stringify(row)).join('\n'),
      `ingest.write.${job.stream}`,
    );
    this.storedBatches.notify({ tenantId: job.tenantId, stream: job.stream });
    await this.clickhouse.insert({
      table: 'rejected_events',
      tag: 'ingest.write.rejected',
      rows: job.rejects.map((r) => ({
        tenant_id: job.tenantId,
        stream: r.stream,
        request_id: job.requestId,
        line: r.line,
        field: r.field,
        reason: r.reason,
        raw: r.raw,
        received_at: job.receivedAt,
      })),
    });
  }
}
