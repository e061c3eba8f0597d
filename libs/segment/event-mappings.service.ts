import { Injectable } from '@nestjs/common';
import { AuditLogService } from '../audit/index.js';
import { EventMappingsRepository, type StoredEventMapping } from './event-mappings.repository.js';
import { KeptMessagesRepository, type KeptMessageCount } from './kept-messages.repository.js';
import { checkRule, type EventMappingInputValues } from './mapping.js';

/** Kept messages of one type and name, and whether a rule maps that name now. */
export interface UnmappedCount extends KeptMessageCount {
  /** A track event kept before its rule was defined: later copies are mapped. */
  mappedNow: boolean;
}

/** The tenants' rules for the Segment endpoint, and what it kept unmapped (docs/design.md §11). */
@Injectable()
export class EventMappingsService {
  constructor(
    private readonly mappings: EventMappingsRepository,
    private readonly kept: KeptMessagesRepository,
    private readonly audit: AuditLogService,
  ) {}

  /** Checks and stores a rule, replacing the event's earlier one; recorded in the audit log. */
  async define(
    tenantId: string,
    input: EventMappingInputValues,
    actorKeyId?: string,
  ): Promise<StoredEventMapping> {
    const rule = checkRule(input);
    // recorded first: a failed write stops the action, which never happens unrecorded
    await this.audit.record({
      tenantId,
      actorKeyId,
      action: 'segment.mapping.defined',
      target: rule.event,
      detail: { ...rule },
    });
    return this.mappings.define(tenantId, rule);
  }

  async remove(tenantId: string, event: string, actorKeyId?: string): Promise<boolean> {
    const removed = await this.mappings.remove(tenantId, event);
    if (removed) {
      await this.audit.record({
        tenantId,
        actorKeyId,
        action: 'segment.mapping.removed',
        target: event,
      });
    }
    return removed;
  }

  list(tenantId: string): Promise<StoredEventMapping[]> {
    return this.mappings.list(tenantId);
  }

  async unmapped(tenantId: string): Promise<UnmappedCount[]> {
    const [counts, plans] = await Promise.all([
      this.kept.counts(tenantId),
      this.mappings.plansOf(tenantId),
    ]);
    return counts.map((count) => ({
      ...count,
      mappedNow: count.type === 'track' && plans.has(count.event),
    }));
  }
}
