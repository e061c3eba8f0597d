import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description:
    'One bucket of decided_at for one trigger: its sent treatment firings and each figure its own measure gives over the bucket.',
})
export class TrendPoint {
  @Field({
    description: 'Start of the bucket (from + k·granularity); it ends at the next one or at to.',
  })
  bucketStart!: Date;

  @Field(() => ID, { description: 'The trigger.' })
  triggerId!: string;

  @Field(() => Int, {
    description: 'Sent treatment firings (no skip_reason) decided in the bucket.',
  })
  sentFirings!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "Share of them (with a signal time) whose end-to-end latency is within the trigger's window, as triggerLatency over the bucket; null without a window or a signal time.",
  })
  withinWindowRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Median end-to-end latency (ms) of those with a signal time, as triggerLatency.',
  })
  p50Ms!: number | null;

  @Field(() => Int, {
    description:
      'Sent firings whose person had an overwhelm outcome in (decided_at, decided_at + 7 days].',
  })
  overwhelmed!: number;

  @Field(() => Float, { description: 'overwhelmed / sentFirings.' })
  overwhelmRate!: number;

  @Field(() => Int, {
    description: 'Converted-then-targeted sends, as suppressionAudit over the bucket.',
  })
  convertedThenTargeted!: number;

  @Field(() => Int, { description: 'Non-compliant sends, as consentAudit over the bucket.' })
  nonCompliant!: number;
}
