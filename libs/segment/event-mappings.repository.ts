import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ClickHouseService, dateFromClickHouse, toClickHouseTime } from '../storage/index.js';
import { MAPPABLE_STREAMS, planOf, type EventMappingRule, type MappingPlan } from './mapping.js';

/** How long a tenant's rules are trusted before they are read again (rules defined elsewhere). */
const CACHE_MS = 2_000;

/** A stored rule and when it was defined. */
export interface StoredEventMapping {
  rule: EventMappingRule;
  definedAt: Date;
}

const mappingRow = z.object({
  event: z.string(),
  stream: z.enum(MAPPABLE_STREAMS),
  rule: z.string(),
  defined_at: z.string(),
});

const ruleJson = z.object({
  type: z.string().optional(),
  valueProperty: z.string().optional(),
  orderIdProperty: z.string().optional(),
  currencyProperty: z.string().optional(),
  fieldProperties: z.record(z.string(), z.string()),
  fixedFields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

/**
 * The tenants' mapping rules (segment_event_mappings: ReplacingMergeTree by version, a removal is
 * a newer row with deleted = 1), with each tenant's plans cached for a few seconds: the endpoint
 * asks for them once per request.
 */
@Injectable()
export class EventMappingsRepository {
  private readonly cache = new Map<string, { plans: Map<string, MappingPlan>; until: number }>();
  private lastVersion = 0;

  constructor(private readonly clickhouse: ClickHouseService) {}

  async define(tenantId: string, rule: EventMappingRule): Promise<StoredEventMapping> {
    const definedAt = Date.now();
    const { event, stream, ...options } = rule;
    await this.write(tenantId, event, stream, JSON.stringify(options), definedAt, false);
    return { rule, definedAt: new Date(definedAt) };
  }

  /** Removes a tenant's rule; false when the event had none. */
  async remove(tenantId: string, event: string): Promise<boolean> {
    const existing = (await this.list(tenantId)).find((m) => m.rule.event === event);
    if (existing === undefined) {
      return false;
    }
    await this.write(tenantId, event, existing.rule.stream, '{}', Date.now(), true);
    return true;
  }

  /** The tenant's rules, by event name. */
  async list(tenantId: string): Promise<StoredEventMapping[]> {
    const rows = await this.clickhouse.query({
      tag: 'segment.mappings',
      sql: `SELECT event, stream, rule, toString(defined_at) AS defined_at
            FROM segment_event_mappings FINAL
            WHERE tenant_id = {tenantId:String} AND deleted = 0
            ORDER BY event`,
      params: { tenantId },
      row: mappingRow,
    });
    return rows.map((row) => ({
      rule: { event: row.event, stream: row.stream, ...ruleJson.parse(JSON.parse(row.rule)) },
      definedAt: dateFromClickHouse(row.defined_at),
    }));
  }

  /** What each of the tenant's rules sets, by event name (cached for CACHE_MS). */
  async plansOf(tenantId: string): Promise<ReadonlyMap<string, MappingPlan>> {
    const cached = this.cache.get(tenantId);
    if (cached !== undefined && cached.until > Date.now()) {
      return cached.plans;
    }
    const started = Date.now();
    const plans = new Map((await this.list(tenantId)).map((m) => [m.rule.event, planOf(m.rule)]));
    this.cache.set(tenantId, { plans, until: started + CACHE_MS });
    return plans;
  }

  private async write(
    tenantId: string,
    event: string,
    stream: string,
    rule: string,
    at: number,
    deleted: boolean,
  ): Promise<void> {
    // Strictly increasing in this process, so two changes within a millisecond keep their order.
    this.lastVersion = Math.max(at * 1000, this.lastVersion + 1);
    await this.clickhouse.insert({
      table: 'segment_event_mappings',
      tag: 'segment.mapping.write',
      rows: [
        {
          tenant_id: tenantId,
          event,
          stream,
          rule,
          defined_at: toClickHouseTime(at),
          deleted: deleted ? 1 : 0,
          version: this.lastVersion,
        },
      ],
    });
    this.cache.delete(tenantId);
  }
}
