import { ArgsType, Field, Float, ID, registerEnumType } from '@nestjs/graphql';

export enum LiftDimension {
  VARIANT = 'variant',
}
registerEnumType(LiftDimension, {
  name: 'LiftDimension',
  description:
    "VARIANT: one row per treatment variant, each against the trigger's whole control group.",
});

@ArgsType()
export class PeriodArgs {
  @Field({ description: 'Start of the period (inclusive), event time.' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive), event time.' })
  to!: Date;
}

@ArgsType()
export class TriggerPeriodArgs extends PeriodArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these triggers (default: all).' })
  triggerIds?: string[] | null;
}

@ArgsType()
export class LiftArgs extends TriggerPeriodArgs {
  @Field(() => [LiftDimension], { nullable: true, description: 'Extra grouping: VARIANT.' })
  groupBy?: LiftDimension[] | null;

  @Field(() => Float, {
    nullable: true,
    defaultValue: 0.95,
    description: 'Confidence level of the intervals, 0.5-0.999.',
  })
  confidence!: number;

  @Field({
    nullable: true,
    defaultValue: false,
    description: 'CUPED: adjust by the same outcomes in the C before t0.',
  })
  cuped!: boolean;

  @Field({
    nullable: true,
    defaultValue: false,
    description: 'Always-valid (sequential) intervals, safe to look at every day.',
  })
  sequential!: boolean;
}
