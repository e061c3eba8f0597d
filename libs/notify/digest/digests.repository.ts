import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  ClickHouseService,
  dateFromClickHouse,
  dateToClickHouse,
  rowVersion,
} from '../../storage/index.js';

export interface StoredDigest {
  tenantId: string;
  recipients: string[];
  /** Cron pattern, UTC. */
  schedule: string;
  updatedAt: Date;
  lastSentAt: Date | null;
}

const digestRow = z.object({
  tenant_id: z.string(),
  recipients: z.array(z.string()),
  schedule: z.string(),
  updated_at: z.string(),
  last_sent_at: z.string().nullable(),
});

/** digests: one row per tenant, ReplacingMergeTree by version. */
@Injectable()
export class DigestsRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async save(digest: StoredDigest): Promise<void> {
    await this.clickhouse.insert({
      table: 'digests',
      tag: 'notify.digest_save',
      rows: [
        {
          tenant_id: digest.tenantId,
          recipients: digest.recipients,
          schedule: digest.schedule,
          updated_at: dateToClickHouse(digest.updatedAt),
          last_sent_at: dateToClickHouse(digest.lastSentAt),
          version: rowVersion(),
        },
      ],
    });
  }

  /** Every tenant's digest (or one tenant's). */
  async list(tenantId?: string): Promise<StoredDigest[]> {
    const rows = await this.clickhouse.query({
      tag: 'notify.digest_list',
      sql: `-- the digests as last written
            SELECT tenant_id, recipients, schedule, updated_at, last_sent_at
            FROM digests FINAL
            WHERE {any:Bool} OR tenant_id = {tenantId:String}
            ORDER BY tenant_id`,
      params: { any: tenantId === undefined, tenantId: tenantId ?? '' },
      row: digestRow,
    });
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      recipients: row.recipients,
      schedule: row.schedule,
      updatedAt: dateFromClickHouse(row.updated_at),
      lastSentAt: dateFromClickHouse(row.last_sent_at),
    }));
  }
}
