import type { ClickHouseService } from '../storage/index.js';
import { toClickHouseTime } from '../storage/index.js';

/**
 * Makes the store refuse `person`'s rows of `table` with a CHECK constraint, as an operator or a
 * later migration might add one: a write of them fails with the engine's VIOLATED_CONSTRAINT,
 * whose message quotes the row, and so names the person.
 */
export async function refusePerson(
  clickhouse: ClickHouseService,
  table: string,
  person: string,
): Promise<void> {
  await clickhouse.command(
    'test.refuse_a_person',
    `ALTER TABLE ${table} ADD CONSTRAINT IF NOT EXISTS refuses_a_person
     CHECK person_id != '${person}'`,
  );
}

/** Writes a firing of `person` for `tenantId`, tagged `tag` (refused after refusePerson). */
export async function writeFiringOf(
  clickhouse: ClickHouseService,
  tenantId: string,
  person: string,
  tag: string,
): Promise<void> {
  await clickhouse.insert({
    table: 'firings',
    tag,
    rows: [
      {
        tenant_id: tenantId,
        firing_id: 'refused',
        trigger_id: 't',
        person_id: person,
        decided_at: toClickHouseTime(Date.now()),
        arm: 'treatment',
        received_at: toClickHouseTime(Date.now()),
      },
    ],
  });
}
