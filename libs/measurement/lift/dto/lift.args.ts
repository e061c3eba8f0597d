import { ArgsType, Field, Float, ID, InputType, registerEnumType } from '@nestjs/graphql';

export enum LiftDimension {
  VARIANT = 'variant',
}
registerEnumType(LiftDimension, {
  name: 'LiftDimension',
  description:
    "VARIANT: one row per treatment variant, each against the trigger's whole control group.",
});

export enum LiftMethod {
  FREQUENTIST = 'frequentist',
  BAYESIAN = 'bayesian',
}
registerEnumType(LiftMethod, {
  name: 'LiftMethod',
  description:
    "FREQUENTIST: confidence intervals and p-values. BAYESIAN: GrowthBook's normal effect model: posterior mean, credible interval, chanceToWin, risk.",
});

@InputType({ description: 'A Gaussian prior on the relative lift, or one learnt from the report.' })
export class PriorInput {
  @Field(() => Float, {
    nullable: true,
    description: 'Prior mean of the relative lift (0.02 = +2%).',
  })
  mean?: number | null;

  @Field(() => Float, { nullable: true, description: 'Prior standard deviation, > 0.' })
  stdDev?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Learn the prior from the report's own triggers (at least 3): mean of their relative lifts, variance beyond their noise.",
  })
  empirical?: boolean | null;
}

@InputType({ description: "Caps each person's revenue: exactly one of percentile and value." })
export class RevenueCapInput {
  @Field(() => Float, {
    nullable: true,
    description:
      'Cap at this percentile (0-100, type 7 as numpy) of the revenues above 0 of both arms.',
  })
  percentile?: number | null;

  @Field(() => Float, { nullable: true, description: 'Cap at this amount, > 0.' })
  value?: number | null;
}

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

  @Field(() => LiftMethod, {
    nullable: true,
    defaultValue: LiftMethod.FREQUENTIST,
    description: 'FREQUENTIST (default) or BAYESIAN.',
  })
  method!: LiftMethod;

  @Field(() => PriorInput, {
    nullable: true,
    description: 'method BAYESIAN: the prior on the relative lift (none: flat).',
  })
  prior?: PriorInput | null;

  @Field(() => RevenueCapInput, {
    nullable: true,
    description:
      "Cap each person's revenue in the conversion window (revenueCapValue says the cap).",
  })
  revenueCap?: RevenueCapInput | null;
}
