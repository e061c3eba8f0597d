import { ArgsType } from '@nestjs/graphql';
import { DateField, IntField } from '../../../graphql-fields/index.js';

@ArgsType()
export class ReportSnapshotsArgs {
  @DateField('With to: only snapshots whose period lies inside [from, to).', { nullable: true })
  from?: Date | null;

  @DateField('With from: end of the window (exclusive).', { nullable: true }) to?: Date | null;

  @IntField('Most snapshots returned, newest first (1-500).', { nullable: true, defaultValue: 50 })
  limit?: number | null;
}
