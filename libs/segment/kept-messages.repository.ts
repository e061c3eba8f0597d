import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  ClickHouseService,
  dateFromClickHouse,
  fromClickHouseTime,
  toClickHouseTime,
} from '../storage/index.js';
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

/** A kept track message as stored, to be mapped by a rule defined after it arrived. */
export interface StoredKeptMessage {
  messageId: string;
  event: string;
  personId: string;
  /** The event time computed on arrival (Segment's rule), epoch milliseconds. */
  eventTime: number;
  /** The arrival of the copy kept (the latest delivery), epoch milliseconds. */
  receivedAt: number;
  /** The arrival of its first delivery, epoch milliseconds. */
  firstReceivedAt: number;
  raw: string;
}

/** One version of a kept message's row. */
interface KeptRow extends StoredKeptMessage {
  tenantId: string;
  type: string;
  /** When a rule mapped it (epoch milliseconds), or null while it is unmapped. */
  mappedAt: number | null;
}

/** Rows of unmappedEvents at most: the most frequent types and names. */
const MAX_COUNTS = 1000;

const keptRow = z.object({
  message_id: z.string(),
  person_id: z.string(),
  timestamp: z.string(),
  received_at: z.string(),
  first_received_at: z.string(),
  raw: z.string(),
});

const countRow = z.object({
  type: z.string(),
  event: z.string(),
  messages: z.number(),
  first_received: z.string(),
  last_received: z.string(),
});

/**
 * segment_unmapped: the messages no rule maps, as sent, one row per messageId (ReplacingMergeTree
 * keyed by tenant and messageId, so a message kept again collapses onto its latest copy, whose
 * updated_at is its arrival, and which carries the first copy's arrival forward in
 * first_received_at, migration 0143), until a rule maps them later (mapped_at).
 */
@Injectable()
export class KeptMessagesRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async keep(tenantId: string, kept: readonly KeptMessage[], receivedAt: number): Promise<void> {
    const arrived = await this.firstArrivals(
      tenantId,
      kept.map(({ message }) => message.messageId),
    );
    await this.write(
      'segment.keep',
      kept.map(({ message, eventTime }) => ({
        tenantId,
        messageId: message.messageId,
        type: message.type,
        event: message.event,
        personId: message.personId,
        eventTime,
        receivedAt,
        firstReceivedAt: Math.min(arrived.get(message.messageId) ?? receivedAt, receivedAt),
        raw: message.raw,
        mappedAt: null,
      })),
    );
  }

  /**
   * The first arrival of each of `messageIds` already kept, epoch milliseconds: the earliest over
   * every version still stored, merged or not.
   */
  private async firstArrivals(
    tenantId: string,
    messageIds: readonly string[],
  ): Promise<Map<string, number>> {
    if (messageIds.length === 0) {
      return new Map();
    }
    const rows = await this.clickhouse.query({
      tag: 'segment.kept_first_arrivals',
      sql: `SELECT message_id, toString(min(first_received_at)) AS first_received_at
            FROM segment_unmapped
            WHERE tenant_id = {tenantId:String} AND message_id IN {messageIds:Array(String)}
            GROUP BY message_id`,
      params: { tenantId, messageIds: [...new Set(messageIds)] },
      row: z.object({ message_id: z.string(), first_received_at: z.string() }),
    });
    return new Map(rows.map((r) => [r.message_id, fromClickHouseTime(r.first_received_at)]));
  }

  /** Up to `limit` kept track messages of an event not mapped yet, oldest arrival first. */
  async unmappedTrack(
    tenantId: string,
    event: string,
    limit: number,
  ): Promise<StoredKeptMessage[]> {
    const rows = await this.clickhouse.query({
      tag: 'segment.kept_track',
      sql: `SELECT message_id, person_id, toString(timestamp) AS timestamp,
                   toString(received_at) AS received_at,
                   toString(first_received_at) AS first_received_at, raw
            FROM segment_unmapped FINAL
            WHERE tenant_id = {tenantId:String} AND type = 'track' AND event = {event:String}
              AND mapped_at IS NULL
            ORDER BY received_at, message_id
            LIMIT {limit:UInt32}`,
      params: { tenantId, event, limit },
      row: keptRow,
    });
    return rows.map((row) => ({
      messageId: row.message_id,
      event,
      personId: row.person_id,
      eventTime: fromClickHouseTime(row.timestamp),
      receivedAt: fromClickHouseTime(row.received_at),
      firstReceivedAt: fromClickHouseTime(row.first_received_at),
      raw: row.raw,
    }));
  }

  /** Marks kept track messages as mapped (they leave the unmapped counts); `at` is now. */
  async markMapped(
    tenantId: string,
    kept: readonly StoredKeptMessage[],
    at: number,
  ): Promise<void> {
    await this.write(
      'segment.mark_mapped',
      kept.map((message) => ({ ...message, tenantId, type: 'track', mappedAt: at })),
    );
  }

  /** Writes versions of kept rows: a new one (mappedAt null) or a mapped one; the latest wins. */
  private async write(tag: string, rows: readonly KeptRow[]): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await this.clickhouse.insert({
      table: 'segment_unmapped',
      tag,
      rows: rows.map((row) => ({
        tenant_id: row.tenantId,
        message_id: row.messageId,
        type: row.type,
        event: row.event,
        person_id: row.personId,
        timestamp: toClickHouseTime(row.eventTime),
        received_at: toClickHouseTime(row.receivedAt),
        first_received_at: toClickHouseTime(row.firstReceivedAt),
        raw: row.raw,
        mapped_at: row.mappedAt === null ? null : toClickHouseTime(row.mappedAt),
        updated_at: toClickHouseTime(row.mappedAt ?? row.receivedAt),
      })),
    });
  }

  /** The tenant's kept messages counted by type and name, the most frequent first. */
  async counts(tenantId: string): Promise<KeptMessageCount[]> {
    const rows = await this.clickhouse.query({
      tag: 'segment.unmapped_counts',
      sql: `SELECT type, event, count() AS messages,
                   toString(min(first_received_at)) AS first_received,
                   toString(max(received_at)) AS last_received
            FROM segment_unmapped FINAL
            WHERE tenant_id = {tenantId:String} AND mapped_at IS NULL
            GROUP BY type, event
            ORDER BY messages DESC, type, event
            LIMIT {limit:UInt32}`,
      params: { tenantId, limit: MAX_COUNTS },
      row: countRow,
    });
    return rows.map((row) => ({
      type: row.type,
      event: row.event,
      messages: row.messages,
      firstReceivedAt: dateFromClickHouse(row.first_received),
      lastReceivedAt: dateFromClickHouse(row.last_received),
    }));
  }
}
