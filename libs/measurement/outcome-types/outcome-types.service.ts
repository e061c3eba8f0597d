import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AuditLogService } from '../../audit/index.js';
import {
  ClickHouseService,
  DataVersions,
  dateFromClickHouse,
  toClickHouseTime,
} from '../../storage/index.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import {
  BUILT_IN_OUTCOME_TYPES,
  HARM_CLASSES,
  OVERWHELM_TYPES,
  REGRET_TYPES,
  type HarmClass,
} from '../common/outcome-classes.js';
import { GuardrailClass, type OutcomeType } from './models/outcome-type.model.js';

/** The longest outcome type a tenant may add (a type name, not text). */
export const OUTCOME_TYPE_MAX_CHARS = 200;

const addedRow = z.object({
  type: z.string(),
  class: z.enum(HARM_CLASSES),
  defined_at: z.string(),
});

function builtIn(types: readonly string[], outcomeClass: GuardrailClass): OutcomeType[] {
  return types.map((type) => ({ type, outcomeClass, builtIn: true, definedAt: null }));
}

/**
 * The outcome types a tenant adds to the harm classes (docs/design.md §2; table outcome_types,
 * ReplacingMergeTree by version, a removal is a newer row with deleted = 1). A change moves the
 * tenant's data version, as any write that changes what its measures read: answers kept and trend
 * facts computed before it are not used after it.
 */
@Injectable()
export class OutcomeTypesService {
  private lastVersion = 0;

  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly versions: DataVersions,
    private readonly audit: AuditLogService,
  ) {}

  /** Adds `type` to a class, or moves a type the tenant added; recorded in the audit log. */
  async define(
    tenantId: string,
    type: string,
    outcomeClass: HarmClass,
    actorKeyId?: string,
  ): Promise<OutcomeType> {
    checkAddable(type);
    // recorded first: a failed write stops the action, which never happens unrecorded
    await this.audit.record({
      tenantId,
      actorKeyId,
      action: 'outcome_type.defined',
      target: type,
      detail: { class: outcomeClass },
    });
    const definedAt = await this.write(tenantId, type, outcomeClass, false);
    return { type, outcomeClass: outcomeClass as GuardrailClass, builtIn: false, definedAt };
  }

  /** Removes a type the tenant added (its outcomes count in no class again); false when none. */
  async remove(tenantId: string, type: string, actorKeyId?: string): Promise<boolean> {
    checkAddable(type);
    const existing = (await this.added(tenantId)).find((t) => t.type === type);
    if (existing === undefined) {
      return false;
    }
    await this.audit.record({
      tenantId,
      actorKeyId,
      action: 'outcome_type.removed',
      target: type,
    });
    await this.write(tenantId, type, existing.outcomeClass, true);
    return true;
  }

  /** The built-in harm types, then the tenant's own in byte order. */
  async list(tenantId: string): Promise<OutcomeType[]> {
    return [
      ...builtIn(OVERWHELM_TYPES, GuardrailClass.OVERWHELM),
      ...builtIn(REGRET_TYPES, GuardrailClass.REGRET),
      ...(await this.added(tenantId)),
    ];
  }

  private async added(tenantId: string): Promise<OutcomeType[]> {
    const rows = await this.clickhouse.query({
      tag: 'outcome_types.list',
      sql: `SELECT type, class, toString(defined_at) AS defined_at
            FROM outcome_types FINAL
            WHERE tenant_id = {tenantId:String} AND deleted = 0
            ORDER BY type`,
      params: { tenantId },
      row: addedRow,
    });
    return rows.map((row) => ({
      type: row.type,
      outcomeClass: row.class as GuardrailClass,
      builtIn: false,
      definedAt: dateFromClickHouse(row.defined_at),
    }));
  }

  private async write(
    tenantId: string,
    type: string,
    outcomeClass: HarmClass,
    deleted: boolean,
  ): Promise<Date> {
    const at = Date.now();
    // Strictly increasing in this process, so two changes within a millisecond keep their order.
    this.lastVersion = Math.max(at * 1000, this.lastVersion + 1);
    const version = this.lastVersion;
    await this.versions.writing(tenantId, () =>
      this.clickhouse.insert({
        table: 'outcome_types',
        tag: 'outcome_types.write',
        rows: [
          {
            tenant_id: tenantId,
            type,
            class: outcomeClass,
            defined_at: toClickHouseTime(at),
            deleted: deleted ? 1 : 0,
            version,
          },
        ],
      }),
    );
    return new Date(at);
  }
}

/** Refuses a type that is blank, too long, or built in (the built-in classes are fixed). */
function checkAddable(type: string): void {
  const refuse = (message: string): never => {
    throw new MeasurementException(MeasurementErrorCode.InvalidArgument, `type: ${message}`);
  };
  if (type.trim() === '') {
    refuse('must not be blank');
  }
  if (type.length > OUTCOME_TYPE_MAX_CHARS) {
    refuse(`at most ${OUTCOME_TYPE_MAX_CHARS} characters (got ${type.length})`);
  }
  const fixed = BUILT_IN_OUTCOME_TYPES.get(type);
  if (fixed !== undefined) {
    refuse(`"${type}" is a built-in ${fixed} type; its class cannot be changed`);
  }
}
