import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  ClickHouseService,
  dateFromClickHouse,
  dateToClickHouse,
  rowVersion,
} from '../../storage/index.js';

/** What a link shows. */
export enum ShareResource {
  LIFT_REPORT = 'LIFT_REPORT',
  SNAPSHOT = 'SNAPSHOT',
}

export interface StoredShareLink {
  tenantId: string;
  linkId: string;
  tokenHash: string;
  resource: ShareResource;
  from: Date | null;
  to: Date | null;
  snapshotId: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

const linkRow = z.object({
  tenant_id: z.string(),
  link_id: z.string(),
  token_hash: z.string(),
  resource: z.enum(ShareResource),
  period_from: z.string().nullable(),
  period_to: z.string().nullable(),
  snapshot_id: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  revoked_at: z.string().nullable(),
});

const COLUMNS =
  'tenant_id, link_id, token_hash, resource, period_from, period_to, snapshot_id, created_at, expires_at, revoked_at';

function toLink(row: z.infer<typeof linkRow>): StoredShareLink {
  return {
    tenantId: row.tenant_id,
    linkId: row.link_id,
    tokenHash: row.token_hash,
    resource: row.resource,
    from: dateFromClickHouse(row.period_from),
    to: dateFromClickHouse(row.period_to),
    snapshotId: row.snapshot_id,
    createdAt: dateFromClickHouse(row.created_at),
    expiresAt: dateFromClickHouse(row.expires_at),
    revokedAt: dateFromClickHouse(row.revoked_at),
  };
}

/** share_links: ReplacingMergeTree by version, a revocation is a newer row. */
@Injectable()
export class ShareLinksRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async save(link: StoredShareLink): Promise<void> {
    await this.clickhouse.insert({
      table: 'share_links',
      tag: 'notify.share_save',
      rows: [
        {
          tenant_id: link.tenantId,
          link_id: link.linkId,
          token_hash: link.tokenHash,
          resource: link.resource,
          period_from: dateToClickHouse(link.from),
          period_to: dateToClickHouse(link.to),
          snapshot_id: link.snapshotId,
          created_at: dateToClickHouse(link.createdAt),
          expires_at: dateToClickHouse(link.expiresAt),
          revoked_at: dateToClickHouse(link.revokedAt),
          version: rowVersion(),
        },
      ],
    });
  }

  /**
   * The tenant's links (or one), newest first: those expired before `liveAt` left out, unless
   * `liveAt` is undefined (every link still kept).
   */
  async list(
    tenantId: string,
    { linkId, liveAt }: { linkId?: string; liveAt?: Date } = {},
  ): Promise<StoredShareLink[]> {
    const rows = await this.clickhouse.query({
      tag: 'notify.share_list',
      sql: `-- the tenant's share links as last written
            SELECT ${COLUMNS}
            FROM share_links FINAL
            WHERE tenant_id = {tenantId:String}
              AND ({any:Bool} OR link_id = {linkId:String})
              -- the expired ones only when asked for (they are kept a while: see 0120)
              AND ({expiredToo:Bool} OR expires_at > {liveAt:DateTime64(3, 'UTC')})
            ORDER BY created_at DESC, link_id`,
      params: {
        tenantId,
        any: linkId === undefined,
        linkId: linkId ?? '',
        expiredToo: liveAt === undefined,
        liveAt: dateToClickHouse(liveAt ?? new Date(0)),
      },
      row: linkRow,
    });
    return rows.map(toLink);
  }

  /** The link whose token hashes to `tokenHash`, whatever its state, across tenants. */
  async byTokenHash(tokenHash: string): Promise<StoredShareLink | undefined> {
    const rows = await this.clickhouse.query({
      tag: 'notify.share_by_token',
      sql: `-- the link a public request names, as last written
            SELECT ${COLUMNS}
            FROM share_links FINAL
            WHERE token_hash = {tokenHash:String}
            LIMIT 1`,
      params: { tokenHash },
      row: linkRow,
    });
    const row = rows[0];
    return row === undefined ? undefined : toLink(row);
  }
}
