import { Field, ObjectType } from '@nestjs/graphql';
import { SnapshotKind } from '../report-snapshots.repository.js';
import {
  DateField,
  IdField,
  StringField,
  registerDocumentedEnum,
} from '../../../graphql-fields/index.js';

registerDocumentedEnum(SnapshotKind, 'ReportSnapshotKind', 'How a report snapshot was taken.', {
  SCHEDULED: 'By the weekly job, for the last full week (Monday to Monday, UTC).',
  ON_DEMAND: 'By createReportSnapshot, for the period it was given.',
});

@ObjectType({
  description:
    'A stored lift report: the report of one period as it read when it was taken, with the measures it shows. Never changes after it is taken, whatever data arrives later.',
})
export class ReportSnapshot {
  @IdField('The snapshot id (weekly ones: weekly-<week start>-<tenant hash>).') id!: string;

  @DateField('Start of the reported period (inclusive), event time.') from!: Date;

  @DateField('End of the reported period (exclusive).') to!: Date;

  @DateField('When the snapshot was taken: the measures are as of this time.') createdAt!: Date;

  @Field(() => SnapshotKind, { description: 'Weekly job or on request.' }) kind!: SnapshotKind;

  @StringField(
    'Path of the stored HTML report, served with the same Bearer key: GET /reports/snapshots/{id}.',
  )
  url!: string;

  /** The owner, for loading the payload fields; not exposed. */
  tenantId!: string;
}
