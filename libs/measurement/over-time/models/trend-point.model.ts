import { ObjectType } from '@nestjs/graphql';
import { DateField, FloatField, IdField, IntField } from '../../../graphql-fields/index.js';

@ObjectType({
  description:
    'One bucket of decided_at for one trigger: its sent treatment firings and each figure its own measure gives over the bucket.',
})
export class TrendPoint {
  @DateField('Start of the bucket (from + k·granularity); it ends at the next one or at to.')
  bucketStart!: Date;

  @IdField('The trigger.') triggerId!: string;

  @IntField('Sent treatment firings (no skip_reason) decided in the bucket.') sentFirings!: number;

  @FloatField(
    "Share of them (with a signal time) whose end-to-end latency is within the trigger's window, as triggerLatency over the bucket; null without a window or a signal time.",
    { nullable: true },
  )
  withinWindowRate!: number | null;

  @FloatField('Median end-to-end latency (ms) of those with a signal time, as triggerLatency.', {
    nullable: true,
  })
  p50Ms!: number | null;

  @IntField(
    'Sent firings whose person had an overwhelm outcome in (decided_at, decided_at + 7 days].',
  )
  overwhelmed!: number;

  @FloatField('overwhelmed / sentFirings.') overwhelmRate!: number;

  @IntField('Converted-then-targeted sends, as suppressionAudit over the bucket.')
  convertedThenTargeted!: number;

  @IntField('Non-compliant sends, as consentAudit over the bucket.') nonCompliant!: number;
}
