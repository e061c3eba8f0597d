import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import {
  BoolField,
  DateField,
  FloatField,
  registerDocumentedEnum,
} from '../../../graphql-fields/index.js';

export enum LiftDimension {
  VARIANT = 'variant',
}
registerDocumentedEnum(
  LiftDimension,
  'LiftDimension',
  "VARIANT: one row per treatment variant, each against the trigger's whole control group.",
  {
    VARIANT: 'One row per treatment variant, against the whole control group.',
  },
);

export enum LiftMethod {
  FREQUENTIST = 'frequentist',
  BAYESIAN = 'bayesian',
}
registerDocumentedEnum(
  LiftMethod,
  'LiftMethod',
  "FREQUENTIST: confidence intervals and p-values. BAYESIAN: GrowthBook's normal effect model: posterior mean, credible interval, chanceToWin, risk.",
  {
    FREQUENTIST: 'Confidence intervals and p-values (the default).',
    BAYESIAN: 'Posterior mean, credible interval, chanceToWin and risk.',
  },
);

@InputType({ description: 'A Gaussian prior on the relative lift, or one learnt from the report.' })
export class PriorInput {
  @FloatField('Prior mean of the relative lift (0.02 = +2%).', { nullable: true })
  mean?: number | null;

  @FloatField('Prior standard deviation, > 0 and below 1e154.', { nullable: true }) stdDev?:
    number | null;

  @BoolField(
    "Learn the prior from the report's own triggers (at least 3): mean of their relative lifts, variance beyond their noise.",
    { nullable: true },
  )
  empirical?: boolean | null;
}

@InputType({ description: "Caps each person's revenue: exactly one of percentile and value." })
export class RevenueCapInput {
  @FloatField(
    'Cap at this percentile (0-100, type 7 as numpy) of the revenues above 0 of both arms.',
    { nullable: true },
  )
  percentile?: number | null;

  @FloatField('Cap at this amount, > 0 and at most 2^53 − 1.', { nullable: true }) value?:
    number | null;
}

/** The `confidence` argument of every measure with intervals: 0.5-0.999, 0.95 when omitted. */
export const ConfidenceArg = (): PropertyDecorator =>
  FloatField('Confidence level of the intervals, 0.5-0.999.', {
    nullable: true,
    defaultValue: 0.95,
  });

/** The `cuped` argument of every lift measure: off when omitted. */
export const CupedArg = (): PropertyDecorator =>
  BoolField('CUPED: adjust by the same outcomes in the C before t0.', {
    nullable: true,
    defaultValue: false,
  });

@ArgsType()
export class PeriodArgs {
  @DateField('Start of the period (inclusive), event time.') from!: Date;

  @DateField('End of the period (exclusive), event time.') to!: Date;
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

  @ConfidenceArg() confidence!: number;

  @CupedArg() cuped!: boolean;

  @BoolField(
    'Always-valid (sequential) intervals, safe to look at every day (method FREQUENTIST only).',
    {
      nullable: true,
      defaultValue: false,
    },
  )
  sequential!: boolean;

  @Field(() => LiftMethod, {
    nullable: true,
    defaultValue: LiftMethod.FREQUENTIST,
    description: 'FREQUENTIST (default) or BAYESIAN (not with sequential).',
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
