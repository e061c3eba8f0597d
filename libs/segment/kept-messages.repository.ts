import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ClickHouseService, fromClickHouseTime, toClickHouseTime } from '../storage/index.js';
import type { SegmentMessage } from './messages.js';

/** A message kept because no rule maps it, with its event time by Segment's rule. */
export interface KeptMessage {
  message: SegmentMessage;
  eventTime: number;
}

/** Kept messages of one type and name: how many, and when the first and the last arrived. */
export interface KeptMessageCount {
  type: string;
  event: string;
  messages: number;
  firstReceivedAt: Date;
  lastReceivedAt: Date;
}

const countRow = z.object({
  type: z.string(),
  event: z.string(),
  messages: z.number(),
  first_received: z.string(),
  last_received: z.string(),
});

/**
 * segment_unmapped: the messages no rule maps, as sent, one row per messageId (ReplacingMergeTree
 * keyed by tenant and messageId, so a message kept again collapses onto its first copy).
 */
@Injectable()
export class KeptMessagesRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async keep(tenantId: string, kept: readonly KeptMessage[], receivedAt: number): Promise<void> {
    if (kept.length === 0) {
      return;
    }
    const received = toClickHouseTime(receivedAt);
    await this.clickhouse.insert({
      table: 'segment_unmapped',
      tag: 'segment.keep',
      rows: kept.map(({ message, eventTime }) => ({
        tenant_id: tenantId,
        message_id: message.messageId,
        type: message.type,
        event: message.event,
        person_id: message.personId,
        timestamp: toClickHouseTime(eventTime),
        received_at: received,
        raw: message.raw,
      })),
    });
  }

  /** The tenant's kept messages counted by type and name, the most frequent first. */
  async counts(tenantId: string, limit: number): Promise<KeptMessageCount[]> {
    const rows = await this.clickhouse.query({
      tag: 'segment.unmapped_counts',
      sql: `SELECT type, event, count() AS messages,
                   toString(min(received_at)) AS first_received,
                   toString(max(received_at)) AS last_received
            FROM segment_unmapped FINAL
            WHERE tenant_id = {tenantId:String}
            GROUP BY type, event
            ORDER BY messages DESC, type, event
            LIMIT {limit:UInt32}`,
      params: { tenantId, limit },
      row: countRow,
    });
    return rows.map((row) => ({
      type: row.type,
      event: row.event,
      messages: row.messages,
      firstReceivedAt: new Date(fromClickHouseTime(row.first_received)),
      lastReceivedAt: new Date(fromClickHouseTime(row.last_received)),
    }));
  }
}
