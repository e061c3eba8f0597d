import { ArgsType, Field, Float, ID } from '@nestjs/graphql';
import { Granularity } from '../granularity.js';

@ArgsType()
export class LiftOverTimeArgs {
  @Field(() => ID, { description: 'The trigger.' })
  triggerId!: string;

  @Field({ description: 'Start of the period (inclusive), event time.' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive), event time: the last point.' })
  to!: Date;

  @Field(() => Granularity, {
    nullable: true,
    defaultValue: Granularity.DAY,
    description: 'Step between points (from + k·step; the last point is to).',
  })
  granularity!: Granularity;

  @Field(() => String, {
    nullable: true,
    description: "Only this variant's treated persons, against the whole control group.",
  })
  variant?: string | null;

  @Field({
    nullable: true,
    defaultValue: false,
    description: 'CUPED: adjust by the same outcomes in the C before t0.',
  })
  cuped!: boolean;

  @Field({
    nullable: true,
    defaultValue: false,
    description:
      'Always-valid (sequential) intervals, tuned to planned persons fixed in advance: sound to read every day.',
  })
  sequential!: boolean;

  @Field(() => Float, {
    nullable: true,
    defaultValue: 0.95,
    description: 'Confidence level of the intervals, 0.5-0.999.',
  })
  confidence!: number;
}

@ArgsType()
export class ConversionCurveArgs {
  @Field(() => ID, { description: 'The trigger.' })
  triggerId!: string;

  @Field({ description: 'Start of the period of assignments (inclusive), as liftReport.' })
  from!: Date;

  @Field({ description: 'End of the period of assignments (exclusive), as liftReport.' })
  to!: Date;

  @Field(() => Float, {
    nullable: true,
    description: 'Step in ms (at least 60000); default one day, or one hour when C ≤ 2 days.',
  })
  stepMs?: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Persons are observed up to this instant (t0 + sinceMs ≤ horizon); default now.',
  })
  horizon?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "Only this variant's treated persons, against the whole control group.",
  })
  variant?: string | null;
}

@ArgsType()
export class TriggerTrendArgs {
  @Field({ description: 'Start of the first bucket (inclusive), decision time.' })
  from!: Date;

  @Field({ description: 'End of the last bucket (exclusive), decision time.' })
  to!: Date;

  @Field(() => Granularity, {
    nullable: true,
    defaultValue: Granularity.DAY,
    description: 'Bucket length (from + k·step).',
  })
  granularity!: Granularity;

  @Field(() => [ID], { nullable: true, description: 'Only these triggers (default: all).' })
  triggerIds?: string[] | null;
}
